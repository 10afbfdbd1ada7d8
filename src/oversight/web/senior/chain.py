"""The chain of supervision as a tree, from the top of the chain down to each case manager.

`policy.supervision.supervision_chain` gives, per case manager holding cases in the month, the line
managers above them (nearest first) and whether each received a formal one-to-one. Here the chains
are merged into one tree for the page; nothing is judged again: a link is "broken here" exactly when
the report says it is required and was not supervised (SUP-CHAIN's breach).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from oversight.policy.supervision import ChainRow

SUPERVISED, BROKEN, TOP, NOT_SUPERVISED, NOT_COVERED = "supervised", "broken", "top", "not_supervised", "not_covered"


@dataclass
class ChainNode:
    staff: str
    status: str  # one of the constants above
    holds_cases: bool = False  # a case manager in the month (their own supervision is SUP-MONTHLY's)
    children: list[ChainNode] = field(default_factory=list)

    @property
    def case_managers_below(self) -> int:
        """Case managers in the subtree, not counting this person."""
        return sum((1 if child.holds_cases else 0) + child.case_managers_below for child in self.children)


def chain_tree(rows: list[ChainRow]) -> list[ChainNode]:
    """The roots (tops of chains) with their subtrees; siblings in identifier order."""
    nodes: dict[tuple[str, ...], ChainNode] = {}
    roots: list[ChainNode] = []
    for row in rows:
        path: tuple[str, ...] = ()
        for link in reversed(row.links):  # from the top down
            path = (*path, link.manager)
            if path not in nodes:
                if not link.required:
                    status = TOP if len(path) == 1 else NOT_COVERED
                else:
                    status = SUPERVISED if link.supervised else BROKEN
                _attach(nodes, roots, path, ChainNode(link.manager, status))
        path = (*path, row.case_manager)
        node = nodes.get(path)
        if node is None:
            node = ChainNode(row.case_manager, SUPERVISED if row.supervised else NOT_SUPERVISED)
            _attach(nodes, roots, path, node)
        node.holds_cases = True
    _sort(roots)
    return roots


def _attach(nodes: dict, roots: list, path: tuple[str, ...], node: ChainNode) -> None:
    nodes[path] = node
    if len(path) == 1:
        roots.append(node)
    else:
        nodes[path[:-1]].children.append(node)


def _sort(level: list[ChainNode]) -> None:
    level.sort(key=lambda n: n.staff)
    for node in level:
        _sort(node.children)


def walk(roots: list[ChainNode]) -> list[tuple[ChainNode, str | None, int]]:
    """Every node as (node, its line manager in the tree, its level: 1 at the top), top first and each
    subtree in full before the next sibling, as the page lists them."""
    found: list[tuple[ChainNode, str | None, int]] = []

    def visit(node: ChainNode, parent: str | None, level: int) -> None:
        found.append((node, parent, level))
        for child in node.children:
            visit(child, node.staff, level + 1)

    for root in roots:
        visit(root, None, 1)
    return found


def broken_links(roots: list[ChainNode]) -> list[ChainNode]:
    """Every node where the chain breaks, top first."""
    found, stack = [], list(roots)
    while stack:
        node = stack.pop(0)
        if node.status == BROKEN:
            found.append(node)
        stack = node.children + stack
    return found
