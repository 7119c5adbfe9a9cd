"""Sunshine (阳光信托物业平台): trust-model property services for residential communities."""
