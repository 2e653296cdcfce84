"""Union-find over ``0..n-1`` that remembers each group's members (claims into facts, outlets into origins)."""

from __future__ import annotations


class Groups:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.members = {i: [i] for i in range(n)}

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj:
            if len(self.members[ri]) < len(self.members[rj]):
                ri, rj = rj, ri
            self.parent[rj] = ri
            self.members[ri].extend(self.members.pop(rj))

    def groups(self) -> list[list[int]]:
        return [sorted(m) for m in self.members.values()]
