"""kernel.merkle against the reference vectors and an independent recursive RFC 9162 reading.

Vectors: transparency-dev/merkle, proof/verify_test.go (commit 02194e9a): the 8 leaves of
the Certificate Transparency reference tests, the roots of their first 1..8 leaves, and
the inclusion and consistency proofs listed there. Everything else is compared with the
plain recursive definitions of RFC 9162 2.1.1, 2.1.3.1 and 2.1.4.1 written out below.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from sunshine.kernel import merkle
from sunshine.kernel.errors import Invalid

LEAVES = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
EMPTY_ROOT = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
ROOTS = [  # root of the first 1..8 leaves
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
INCLUSION = [  # (0-based index, tree size, proof)
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]
CONSISTENCY = [  # (old size, new size, proof)
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
]
SOME_HASH = bytes.fromhex("abacaba000000000000000000000000000000000000000000060061e00123456")

# --- RFC 9162, read literally: recursion over lists of leaf inputs --------------------


def _sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_mth(d: Sequence[bytes]) -> bytes:
    if not d:
        return _sha(b"")
    if len(d) == 1:
        return _sha(b"\x00" + d[0])
    k = _k(len(d))
    return _sha(b"\x01" + ref_mth(d[:k]) + ref_mth(d[k:]))


def ref_path(m: int, d: Sequence[bytes]) -> list[bytes]:
    if len(d) == 1:
        return []
    k = _k(len(d))
    if m < k:
        return [*ref_path(m, d[:k]), ref_mth(d[k:])]
    return [*ref_path(m - k, d[k:]), ref_mth(d[:k])]


def ref_subproof(m: int, d: Sequence[bytes], b: bool) -> list[bytes]:
    if m == len(d):
        return [] if b else [ref_mth(d)]
    k = _k(len(d))
    if m <= k:
        return [*ref_subproof(m, d[:k], b), ref_mth(d[k:])]
    return [*ref_subproof(m - k, d[k:], b=False), ref_mth(d[:k])]


def ref_proof(m: int, d: Sequence[bytes]) -> list[bytes]:
    return ref_subproof(m, d, b=True) if 0 < m < len(d) else []


# A log of 256 distinct records; every tree below is a prefix of it.
DATA = [f"record {i}".encode() for i in range(256)]
LEAF_HASHES = [merkle.leaf_hash(d) for d in DATA]
TREE = merkle.MemoryTree(LEAF_HASHES)


def _hashes(hexes: Sequence[str]) -> list[bytes]:
    return [bytes.fromhex(h) for h in hexes]


def _flip(proof: Sequence[bytes], position: int, bit: int) -> list[bytes]:
    wrong = list(proof)
    wrong[position] = bytes([wrong[position][0] ^ (1 << bit)]) + wrong[position][1:]
    return wrong


def _corrupted(proof: Sequence[bytes], roots: Sequence[bytes]) -> list[tuple[str, list[bytes]]]:
    """The ways transparency-dev corrupts a proof, plus reordering."""
    probes = [(f"trailing {i}", [*proof, r]) for i, r in enumerate(roots)]
    probes += [(f"preceding {i}", [r, *proof]) for i, r in enumerate(roots)]
    probes += [("trailing garbage", [*proof, b""]), ("preceding garbage", [b"", *proof])]
    probes += [(f"flipped bit in {i}", _flip(proof, i, 3)) for i in range(len(proof))]
    if proof:
        probes += [("truncated", list(proof[:-1])), ("first dropped", list(proof[1:]))]
    if len(proof) > 1:
        probes.append(("inserted", [proof[0], SOME_HASH, *proof[1:]]))
        probes += [
            (f"swapped {i}", [*proof[:i], proof[i + 1], proof[i], *proof[i + 2 :]])
            for i in range(len(proof) - 1)
            if proof[i] != proof[i + 1]
        ]
    return probes


# --- Reference vectors ---------------------------------------------------------------


def test_the_empty_tree_hashes_the_empty_string() -> None:
    assert merkle.EMPTY_ROOT.hex() == EMPTY_ROOT
    assert merkle.root_of([]).hex() == EMPTY_ROOT
    assert merkle.root_from_frontier([], 0).hex() == EMPTY_ROOT


@pytest.mark.parametrize("size", range(1, 9))
def test_the_roots_match_the_certificate_transparency_vectors(size: int) -> None:
    leaves = [merkle.leaf_hash(d) for d in LEAVES[:size]]
    assert merkle.root_of(leaves).hex() == ROOTS[size - 1]
    assert merkle.MemoryTree(leaves).root().hex() == ROOTS[size - 1]
    assert ref_mth(LEAVES[:size]).hex() == ROOTS[size - 1]  # the test's own reading agrees


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION)
def test_the_inclusion_proofs_match_the_vectors_and_refuse_every_corruption(
    index: int, size: int, proof: list[str]
) -> None:
    tree = merkle.MemoryTree([merkle.leaf_hash(d) for d in LEAVES])
    expected, root = _hashes(proof), bytes.fromhex(ROOTS[size - 1])
    leaf = merkle.leaf_hash(LEAVES[index])
    assert merkle.inclusion_proof(index, size, tree.node) == expected
    assert merkle.verify_inclusion(index, size, leaf, expected, root)
    wrong_places = [(index - 1, size), (index + 1, size), (index ^ 2, size), (index, size * 2)]
    wrong_places += [(index, size // 2)]
    for i, n in wrong_places:
        assert not merkle.verify_inclusion(i, n, leaf, expected, root), (i, n)
    assert not merkle.verify_inclusion(index, size, merkle.leaf_hash(b"WrongLeaf"), expected, root)
    assert not merkle.verify_inclusion(index, size, leaf, expected, merkle.EMPTY_ROOT)
    assert not merkle.verify_inclusion(index, size, leaf, expected, SOME_HASH)
    for name, wrong in _corrupted(expected, [root]):
        assert not merkle.verify_inclusion(index, size, leaf, wrong, root), name


@pytest.mark.parametrize(("old", "new", "proof"), CONSISTENCY)
def test_the_consistency_proofs_match_the_vectors_and_refuse_every_corruption(
    old: int, new: int, proof: list[str]
) -> None:
    tree = merkle.MemoryTree([merkle.leaf_hash(d) for d in LEAVES])
    expected = _hashes(proof)
    old_root, new_root = bytes.fromhex(ROOTS[old - 1]), bytes.fromhex(ROOTS[new - 1])
    assert merkle.consistency_proof(old, new, tree.node) == expected
    assert merkle.verify_consistency(old, new, expected, old_root, new_root)
    if not expected:
        return
    for m, n in [(old - 1, new), (old + 1, new), (old ^ 2, new), (old, new * 2), (old, new // 2)]:
        assert not merkle.verify_consistency(m, n, expected, old_root, new_root), (m, n)
    wrong_roots = [(b"WrongRoot", new_root), (old_root, b"WrongRoot"), (new_root, old_root)]
    for r1, r2 in wrong_roots:
        assert not merkle.verify_consistency(old, new, expected, r1, r2)
    assert not merkle.verify_consistency(old, new, [], old_root, new_root)
    probes = _corrupted(expected, [old_root, new_root])
    probes.append(("preceding proof[0]", [expected[0], *expected]))
    for name, wrong in probes:
        assert not merkle.verify_consistency(old, new, wrong, old_root, new_root), name


@pytest.mark.parametrize(
    ("old", "new", "old_root", "new_root", "proof", "ok"),
    [  # transparency-dev's edge cases for sizes 0 and equal sizes
        (0, 0, b"1" * 32, b"2" * 32, [], False),
        (1, 1, b"1" * 32, b"2" * 32, [], False),
        (0, 0, b"1" * 32, b"1" * 32, [], True),
        (0, 1, b"1" * 32, b"2" * 32, [], True),
        (1, 1, b"2" * 32, b"2" * 32, [], True),
        (1, 0, b"1" * 32, b"2" * 32, [], False),
        (2, 1, b"1" * 32, b"2" * 32, [], False),
        (1, 2, b"1" * 32, b"2" * 32, [], False),
        (0, 0, bytes.fromhex(EMPTY_ROOT), bytes.fromhex(EMPTY_ROOT), [SOME_HASH], False),
        (0, 1, bytes.fromhex(EMPTY_ROOT), bytes.fromhex(EMPTY_ROOT), [SOME_HASH], False),
        (1, 1, bytes.fromhex(EMPTY_ROOT), bytes.fromhex(EMPTY_ROOT), [SOME_HASH], False),
    ],
)
def test_the_consistency_edge_cases_follow_the_reference(
    old: int, new: int, old_root: bytes, new_root: bytes, proof: list[bytes], ok: bool
) -> None:
    assert merkle.verify_consistency(old, new, proof, old_root, new_root) is ok


def test_a_proof_for_a_position_outside_the_tree_is_refused_with_a_reason() -> None:
    for index, size in [(0, 0), (1, 0), (2, 1), (-1, 4)]:
        with pytest.raises(Invalid, match="not in a tree"):
            merkle.root_from_inclusion(index, size, SOME_HASH, [])
    with pytest.raises(Invalid, match="has 0 bytes"):
        merkle.root_from_inclusion(0, 1, b"", [])
    with pytest.raises(Invalid, match="too short"):
        merkle.root_from_inclusion(0, 2, SOME_HASH, [])
    with pytest.raises(Invalid, match="longer than the tree"):
        merkle.root_from_inclusion(0, 1, SOME_HASH, [SOME_HASH])


# --- Every size and index, against the recursive definitions -------------------------


@pytest.mark.parametrize("size", range(1, 65))
def test_every_inclusion_proof_up_to_64_leaves_equals_the_rfc_path_and_verifies(size: int) -> None:
    root = TREE.root(size)
    assert root == ref_mth(DATA[:size])
    for index in range(size):
        proof = merkle.inclusion_proof(index, size, TREE.node)
        assert proof == ref_path(index, DATA[:size])
        leaf = merkle.leaf_hash(DATA[index])
        assert merkle.verify_inclusion(index, size, leaf, proof, root)
        for other in range(size):
            if other != index:
                assert not merkle.verify_inclusion(other, size, leaf, proof, root)
        for name, wrong in _corrupted(proof, [root]):
            assert not merkle.verify_inclusion(index, size, leaf, wrong, root), name


@pytest.mark.parametrize("new", range(1, 65))
def test_every_consistency_proof_up_to_64_leaves_equals_the_rfc_proof_and_verifies(
    new: int,
) -> None:
    new_root = TREE.root(new)
    for old in range(new + 1):
        proof = merkle.consistency_proof(old, new, TREE.node)
        assert proof == ref_proof(old, DATA[:new])
        old_root = TREE.root(old)
        assert merkle.verify_consistency(old, new, proof, old_root, new_root)
        if old in (0, new):
            continue
        for other in range(1, new):
            if other != old:  # another old tree's root never passes for this one
                assert not merkle.verify_consistency(old, new, proof, TREE.root(other), new_root)
        for name, wrong in _corrupted(proof, [old_root, new_root]):
            assert not merkle.verify_consistency(old, new, wrong, old_root, new_root), name


sizes = st.integers(min_value=1, max_value=256)


@settings(max_examples=300)
@given(sizes, st.data())
def test_inclusion_holds_for_any_leaf_and_fails_for_any_other_leaf_or_corruption(
    size: int, data: st.DataObject
) -> None:
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    proof = merkle.inclusion_proof(index, size, TREE.node)
    assert proof == merkle.inclusion_path(index, size, merkle.MemoryTree(LEAF_HASHES[:size]))
    root = TREE.root(size)
    leaf = merkle.leaf_hash(DATA[index])
    assert merkle.verify_inclusion(index, size, leaf, proof, root)
    assert not merkle.verify_inclusion(
        index, size, merkle.leaf_hash(DATA[index] + b"!"), proof, root
    )
    if proof:
        position = data.draw(st.integers(min_value=0, max_value=len(proof) - 1))
        bit = data.draw(st.integers(min_value=0, max_value=255))
        wrong = list(proof)
        wrong[position] = (int.from_bytes(wrong[position]) ^ (1 << bit)).to_bytes(32)
        assert not merkle.verify_inclusion(index, size, leaf, wrong, root)
    other = data.draw(st.integers(min_value=0, max_value=size - 1))
    assert merkle.verify_inclusion(other, size, leaf, proof, root) is (other == index)
    assert not merkle.verify_inclusion(index, size + (1 << size.bit_length()), leaf, proof, root)


@settings(max_examples=300)
@given(sizes, st.data())
def test_consistency_holds_for_any_pair_of_sizes_and_fails_when_corrupted(
    new: int, data: st.DataObject
) -> None:
    old = data.draw(st.integers(min_value=1, max_value=new))
    proof = merkle.consistency_proof(old, new, TREE.node)
    old_root, new_root = TREE.root(old), TREE.root(new)
    assert merkle.verify_consistency(old, new, proof, old_root, new_root)
    if old == new:
        return
    forked = merkle.MemoryTree([*LEAF_HASHES[: old - 1], merkle.leaf_hash(b"forged")])
    assert not merkle.verify_consistency(old, new, proof, forked.root(), new_root)
    position = data.draw(st.integers(min_value=0, max_value=len(proof) - 1))
    wrong = list(proof)
    wrong[position] = (
        int.from_bytes(wrong[position]) ^ (1 << data.draw(st.integers(0, 255)))
    ).to_bytes(32)
    assert not merkle.verify_consistency(old, new, wrong, old_root, new_root)
    assert not merkle.verify_consistency(old, new, list(reversed(proof)), old_root, new_root) or (
        proof == list(reversed(proof))
    )


# --- The frontier and stored nodes ---------------------------------------------------


def test_appending_to_the_frontier_gives_the_rfc_root_at_every_size() -> None:
    frontier: list[bytes] = []
    stored: dict[tuple[int, int], bytes] = {}
    for size, data in enumerate(DATA):
        assert merkle.root_from_frontier(frontier, size) == ref_mth(DATA[:size])
        assert frontier == [stored[node] for node in merkle.frontier_nodes(size)]
        frontier, completed = merkle.frontier_append(frontier, size, merkle.leaf_hash(data))
        assert completed[0] == merkle.CompletedNode(0, size, merkle.leaf_hash(data))
        for node in completed:
            assert (node.level, node.index) not in stored  # each node completes exactly once
            stored[node.level, node.index] = node.hash
    assert merkle.root_from_frontier(frontier, len(DATA)) == ref_mth(DATA)
    assert stored == {
        (level, index): TREE.node(level, index)
        for level in range(9)
        for index in range(len(DATA) >> level)
    }


@settings(max_examples=200)
@given(
    st.integers(min_value=0, max_value=len(DATA)),
    st.integers(min_value=0, max_value=len(DATA)),
    st.integers(min_value=0, max_value=5),
)
def test_appending_many_leaves_at_once_matches_appending_one_by_one(
    start: int, count: int, from_level: int
) -> None:
    leaves = [merkle.leaf_hash(data) for data in DATA]
    count = min(count, len(DATA) - start)
    frontier: list[bytes] = []
    for size in range(start):
        frontier, _ = merkle.frontier_append(frontier, size, leaves[size])
    one_by_one, expected = list(frontier), []
    for size in range(start, start + count):
        one_by_one, completed = merkle.frontier_append(one_by_one, size, leaves[size])
        expected.extend(node for node in completed if node.level >= from_level)
    batch, nodes = merkle.append_leaves(
        frontier, start, leaves[start : start + count], from_level=from_level
    )
    assert batch == one_by_one
    assert nodes == expected
    assert merkle.root_from_frontier(batch, start + count) == ref_mth(DATA[: start + count])


def test_a_frontier_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError, match="frontier hashes"):
        merkle.frontier_append([SOME_HASH], 3, SOME_HASH)
    with pytest.raises(ValueError, match="frontier hashes"):
        merkle.root_from_frontier([], 3)
    with pytest.raises(ValueError, match="frontier hashes"):
        merkle.append_leaves([], 3, [SOME_HASH])


@settings(max_examples=100)
@given(st.integers(min_value=1, max_value=256), st.data())
def test_proofs_need_only_the_nodes_they_name(size: int, data: st.DataObject) -> None:
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    old = data.draw(st.integers(min_value=0, max_value=size))
    wanted = merkle.nodes_for_inclusion(index, size)
    fetched = {node: TREE.node(*node) for node in wanted}
    assert merkle.inclusion_proof(index, size, lambda *n: fetched[n]) == ref_path(
        index, DATA[:size]
    )
    wanted = merkle.nodes_for_consistency(old, size)
    fetched = {node: TREE.node(*node) for node in wanted}
    lookup = fetched.__getitem__
    assert merkle.consistency_proof(old, size, lambda *n: lookup(n)) == ref_proof(old, DATA[:size])
    assert merkle.root_at(old, lambda *n: lookup(n)) == ref_mth(DATA[:old])


def test_a_proof_in_a_million_leaf_tree_reads_about_two_log_n_nodes() -> None:
    size = 1_000_000
    worst = max(len(merkle.nodes_for_inclusion(i, size)) for i in range(0, size, 997))
    assert worst <= 2 * size.bit_length()
    assert len(merkle.nodes_for_consistency(654_321, size)) <= 3 * size.bit_length()
    assert len(merkle.frontier_nodes(size)) == size.bit_count()


def test_only_rfc_shaped_ranges_are_folded_from_nodes() -> None:
    assert merkle.range_nodes(4, 7) == [(1, 2), (0, 6)]
    assert merkle.range_nodes(0, 6) == [(2, 0), (1, 2)]
    for start, end in [(1, 3), (2, 5), (3, 3), (5, 4)]:
        with pytest.raises(ValueError, match=r"range|subtree"):
            merkle.range_nodes(start, end)
    with pytest.raises(KeyError):
        TREE.node(9, 0)  # 256 leaves complete level 8 and no higher
