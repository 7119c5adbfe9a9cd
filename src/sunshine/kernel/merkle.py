"""The Merkle tree of RFC 9162 (Certificate Transparency v2, same hashing as RFC 6962).

Pure and stdlib only, so the offline verifier can use it. Nothing here knows about
records, communities or the database; it hashes bytes and builds and checks proofs.

Hashing (RFC 9162 2.1.1), with D[n] the list of n leaf inputs:

    leaf_hash(d)    = SHA-256(0x00 || d)
    node_hash(l, r) = SHA-256(0x01 || l || r)
    MTH({})         = SHA-256()                     (the empty string)
    MTH({d0})       = leaf_hash(d0)
    MTH(D[n])       = node_hash(MTH(D[0:k]), MTH(D[k:n]))   k = largest power of two < n

The 0x00/0x01 prefixes keep a leaf from ever passing for an inner node (second
pre-image attacks on plain Merkle trees).

Node addressing. Node (level, index) is the complete subtree over the leaves
[index·2^level, (index+1)·2^level); level 0 is the leaf hashes themselves. Such a node
never changes once its last leaf is appended, so a database stores each one once, when
it completes (`frontier_append` says which), and never rewrites it. Every subtree that
RFC 9162's proofs need is either such a node or the right edge [start, n) of the tree,
and that edge is the fold of at most log2(n) complete nodes:

    MTH(D[start:end]) = node_hash(p1, node_hash(p2, … node_hash(p_{j-1}, p_j)))

where p1, p2, … are the complete aligned nodes covering [start, end), largest first.
So a root, an inclusion proof or a consistency proof of a million-leaf tree costs
about 2·log2(n) = 40 primary-key reads; `nodes_for_*` list them for one batched query.

The frontier of a tree of size n is the list of its complete nodes for the set bits of
n, largest (leftmost) first: at most log2(n)+1 hashes. Appending a leaf merges the
trailing ones (like incrementing a binary counter), and the root is the fold above.

Proofs: inclusion PATH (2.1.3.1) and consistency PROOF/SUBPROOF (2.1.4.1) are built
against any `SubtreeHashes`; they are checked with the iterative algorithms of 2.1.3.2
(fn/sn) and 2.1.4.2, which need no tree at all. `check_*` raise `Invalid` with a
plain-language reason; `verify_*` return a bool.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from sunshine.kernel.errors import Invalid

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

NodeLookup = Callable[[int, int], bytes]
"""`node(level, index)`: the hash of a complete aligned subtree (see the module docstring)."""


@dataclass(frozen=True, slots=True)
class CompletedNode:
    """A complete aligned subtree that an append has just finished: store it once."""

    level: int
    index: int
    hash: bytes


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly below `n` (n ≥ 2): where MTH splits."""
    return 1 << ((n - 1).bit_length() - 1)


class SubtreeHashes(Protocol):
    """Anything that can hash the leaves [start, end) of one tree, as MTH(D[start:end])."""

    def subtree(self, start: int, end: int) -> bytes: ...


def range_nodes(start: int, end: int) -> list[tuple[int, int]]:
    """The complete aligned nodes (level, index) that cover [start, end), largest first.

    Only ranges that occur in RFC 9162's recursion are allowed: `start` must be a
    multiple of the smallest power of two ≥ end - start. Otherwise the fold of these
    nodes would not be MTH(D[start:end]).
    """
    size = end - start
    if size <= 0 or start < 0:
        raise ValueError(f"empty or negative range [{start}, {end})")
    if start % (1 << (size - 1).bit_length()):
        raise ValueError(f"[{start}, {end}) is not a subtree of an RFC 9162 tree")
    nodes = []
    for level in range(size.bit_length() - 1, -1, -1):
        if size >> level & 1:
            nodes.append((level, start >> level))
            start += 1 << level
    return nodes


def _fold(hashes: Sequence[bytes]) -> bytes:
    """Fold complete nodes, largest first, into the hash of the range they cover."""
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node_hash(left, result)
    return result


class NodeHashes:
    """`SubtreeHashes` over stored complete nodes, e.g. a database's `transparency_node`."""

    def __init__(self, node: NodeLookup) -> None:
        self._node = node

    def subtree(self, start: int, end: int) -> bytes:
        return _fold([self._node(level, index) for level, index in range_nodes(start, end)])


class MemoryTree:
    """A whole tree in memory: every complete node, kept level by level as leaves arrive.

    Appending costs O(log n) hashes; any node is one list lookup, so a proof costs
    O(log n) once built. Used by tests, the verifier and small exports.
    """

    def __init__(self, leaf_hashes: Sequence[bytes] = ()) -> None:
        self._levels: list[list[bytes]] = [[]]
        for leaf in leaf_hashes:
            self.append(leaf)

    @property
    def size(self) -> int:
        return len(self._levels[0])

    def append(self, leaf: bytes) -> None:
        """Add the next leaf hash and every node it completes."""
        level, hash_ = 0, leaf
        while True:
            row = self._levels[level]
            row.append(hash_)
            if len(row) % 2:
                return
            hash_ = node_hash(row[-2], row[-1])
            level += 1
            if level == len(self._levels):
                self._levels.append([])

    def node(self, level: int, index: int) -> bytes:
        if level >= len(self._levels) or not 0 <= index < len(self._levels[level]):
            raise KeyError((level, index))
        return self._levels[level][index]

    def subtree(self, start: int, end: int) -> bytes:
        return NodeHashes(self.node).subtree(start, end)

    def root(self, size: int | None = None) -> bytes:
        """The root of the first `size` leaves (all of them by default)."""
        return root_at(self.size if size is None else size, self.node)


# --- Frontier: the O(log n) state an appender keeps ------------------------------------


def frontier_nodes(size: int) -> list[tuple[int, int]]:
    """The (level, index) of each frontier hash of a tree of `size` leaves, largest first."""
    return range_nodes(0, size) if size else []


def frontier_append(
    frontier: Sequence[bytes], size: int, leaf: bytes
) -> tuple[list[bytes], list[CompletedNode]]:
    """Append `leaf` (a leaf hash) to a tree of `size` leaves given by its frontier.

    Returns the new frontier and the nodes this append completed, level 0 (the leaf)
    first. A caller that stores every completed node can later answer any root or proof
    with `node(level, index)` lookups and never re-read the leaves.
    """
    return append_leaves(frontier, size, [leaf])


def append_leaves(
    frontier: Sequence[bytes], size: int, leaves: Sequence[bytes], *, from_level: int = 0
) -> tuple[list[bytes], list[CompletedNode]]:
    """Append many leaf hashes; the completed nodes from `from_level` up, in append order.

    Each leaf merges the trailing ones of `size` (like incrementing a binary counter);
    bulk appends call this for a million leaves, so it keeps one list and no copies.
    """
    if len(frontier) != size.bit_count():
        raise ValueError(f"a tree of {size} leaves has {size.bit_count()} frontier hashes")
    new = list(frontier)
    completed: list[CompletedNode] = []
    for leaf in leaves:
        hash_, level, carry = leaf, 0, size
        if from_level == 0:
            completed.append(CompletedNode(0, size, leaf))
        while carry & 1:
            hash_ = node_hash(new.pop(), hash_)
            level += 1
            carry >>= 1
            if level >= from_level:
                completed.append(CompletedNode(level, size >> level, hash_))
        new.append(hash_)
        size += 1
    return new, completed


def root_from_frontier(frontier: Sequence[bytes], size: int) -> bytes:
    if len(frontier) != size.bit_count():
        raise ValueError(f"a tree of {size} leaves has {size.bit_count()} frontier hashes")
    return _fold(frontier) if size else EMPTY_ROOT


def root_of(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH of a list of leaf hashes, in O(n) time and O(log n) memory."""
    frontier: list[bytes] = []
    for size, leaf in enumerate(leaf_hashes):
        frontier, _ = frontier_append(frontier, size, leaf)
    return root_from_frontier(frontier, len(leaf_hashes))


def root_at(size: int, node: NodeLookup) -> bytes:
    """The root of the tree's first `size` leaves, from stored complete nodes."""
    return root_from_frontier([node(level, index) for level, index in frontier_nodes(size)], size)


# --- Building proofs (RFC 9162 2.1.3.1 and 2.1.4.1) ------------------------------------


def inclusion_path(index: int, size: int, tree: SubtreeHashes) -> list[bytes]:
    """PATH(index, D[size]): the sibling hashes from the leaf up to the root."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size} leaves")
    siblings: list[bytes] = []  # gathered root-down; the proof lists them leaf-up
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index - start < k:
            siblings.append(tree.subtree(start + k, end))
            end = start + k
        else:
            siblings.append(tree.subtree(start, start + k))
            start += k
    siblings.reverse()
    return siblings


def consistency_path(old_size: int, new_size: int, tree: SubtreeHashes) -> list[bytes]:
    """PROOF(old_size, D[new_size]) = SUBPROOF(old_size, D[new_size], true)."""
    if not 0 <= old_size <= new_size:
        raise ValueError(f"no consistency proof from {old_size} leaves to {new_size}")
    if old_size in (0, new_size):
        return []
    hashes: list[bytes] = []  # gathered root-down, as with inclusion_path
    start, end, m, whole = 0, new_size, old_size, True
    while m != end - start:
        k = _split(end - start)
        if m <= k:
            hashes.append(tree.subtree(start + k, end))
            end = start + k
        else:
            hashes.append(tree.subtree(start, start + k))
            start, m, whole = start + k, m - k, False
    if not whole:  # SUBPROOF(m, D[m], false) = MTH(D[m]): the old tree's piece itself
        hashes.append(tree.subtree(start, end))
    hashes.reverse()
    return hashes


def inclusion_proof(index: int, size: int, node: NodeLookup) -> list[bytes]:
    """The inclusion proof of leaf `index` in the first `size` leaves, from stored nodes."""
    return inclusion_path(index, size, NodeHashes(node))


def consistency_proof(old_size: int, new_size: int, node: NodeLookup) -> list[bytes]:
    """The consistency proof from the tree's first `old_size` leaves to `new_size`."""
    return consistency_path(old_size, new_size, NodeHashes(node))


def _recorded(build: Callable[[NodeLookup], object]) -> list[tuple[int, int]]:
    wanted: dict[tuple[int, int], None] = {}

    def record(level: int, index: int) -> bytes:
        wanted[level, index] = None
        return bytes(HASH_SIZE)

    build(record)
    return list(wanted)


def nodes_for_inclusion(index: int, size: int) -> list[tuple[int, int]]:
    """The (level, index) nodes `inclusion_proof` will ask for, to fetch them in one query."""
    return _recorded(lambda node: inclusion_proof(index, size, node))


def nodes_for_consistency(old_size: int, new_size: int) -> list[tuple[int, int]]:
    """The (level, index) nodes `consistency_proof` will ask for, plus the old root's."""
    return _recorded(
        lambda node: (consistency_proof(old_size, new_size, node), root_at(old_size, node))
    )


# --- Checking proofs (RFC 9162 2.1.3.2 and 2.1.4.2) ------------------------------------


def _check_hashes(proof: Sequence[bytes], what: str) -> None:
    for position, hash_ in enumerate(proof):
        if len(hash_) != HASH_SIZE:
            raise Invalid(
                "{what} hash {position} has {length} bytes, not 32",
                args={"what": what, "position": position, "length": len(hash_)},
            )


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """The root that `proof` leads to from `leaf` (a leaf hash) at `index` of `size` leaves.

    Raises `Invalid` when the proof cannot belong to that position: wrong length, or a
    bad index. A proof of the right shape with a wrong hash leads to a different root.
    """
    if not 0 <= index < size:
        raise Invalid(
            "leaf {index} is not in a tree of {size}", args={"index": index, "size": size}
        )
    _check_hashes([leaf, *proof], "inclusion proof")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise Invalid("the inclusion proof is longer than the tree is high")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn:  # skip levels where this node has no right sibling
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise Invalid("the inclusion proof is too short for a tree of {size}", args={"size": size})
    return r


def check_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    """Raise `Invalid` unless `proof` shows `leaf` at `index` in the tree with `root`."""
    if root_from_inclusion(index, size, leaf, proof) != root:
        raise Invalid(
            "leaf {index} and its inclusion proof lead to a different root",
            args={"index": index},
        )


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> bool:
    try:
        check_inclusion(index, size, leaf, proof, root)
    except Invalid:
        return False
    return True


def _roots_from_consistency(
    old_size: int, new_size: int, proof: Sequence[bytes], old_root: bytes
) -> tuple[bytes, bytes]:
    """Run RFC 9162 2.1.4.2 steps 2-6 and return (fr, sr); old_size is in (0, new_size)."""
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # the old tree is one complete node: its own root
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise Invalid("the consistency proof is longer than the tree is high")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise Invalid("the consistency proof is too short")
    return fr, sr


def check_consistency(
    old_size: int, new_size: int, proof: Sequence[bytes], old_root: bytes, new_root: bytes
) -> None:
    """Raise `Invalid` unless the tree (new_size, new_root) extends (old_size, old_root)."""
    args = {"old": old_size, "new": new_size}
    if not 0 <= old_size <= new_size:
        raise Invalid("a tree of {new} leaves cannot extend one of {old}", args=args)
    _check_hashes([old_root, new_root, *proof], "consistency proof")
    if old_size in (0, new_size):
        if proof:
            raise Invalid("a consistency proof from {old} to {new} must be empty", args=args)
        if old_size == new_size and old_root != new_root:
            raise Invalid("two trees of {new} leaves have different roots", args=args)
        return
    if not proof:
        raise Invalid("the consistency proof from {old} to {new} is empty", args=args)
    fr, sr = _roots_from_consistency(old_size, new_size, proof, old_root)
    if fr != old_root:
        raise Invalid("the proof does not lead to the earlier root of {old} leaves", args=args)
    if sr != new_root:
        raise Invalid("the proof does not lead to the later root of {new} leaves", args=args)


def verify_consistency(
    old_size: int, new_size: int, proof: Sequence[bytes], old_root: bytes, new_root: bytes
) -> bool:
    try:
        check_consistency(old_size, new_size, proof, old_root, new_root)
    except Invalid:
        return False
    return True
