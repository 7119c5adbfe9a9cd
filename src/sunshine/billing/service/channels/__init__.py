"""The online payment channels behind one interface (`base.Channel`); `registry` picks them."""
