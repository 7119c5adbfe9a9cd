"""HTML pages of the registry: the community home page and the staff area under /c/{code}/registry.

Every route finds the community by code and asks identity.service.authorize with the
action it needs (a viewer with no role there gets 404). Owners and residents see the
community's aggregates and their own household only; other people's names, phones and
plates appear only in the staff area (VIEW_REGISTRY), committee members' names masked
everywhere (LAW.md 3). Every POST is CSRF-checked, commits once and redirects; on
Invalid the same page comes back (422) with the problems and what was typed.

`home` holds the community home page, `staff` the staff area (buildings, units),
`staff_people` its people and vehicles, `staff_changes` transfers, moves, editing a
person and removing a vehicle, `roster` the roster import and export, `admin`
the platform admin's communities (create one), and `common` what they share.
"""

from __future__ import annotations

from fastapi import APIRouter

from sunshine.registry.pages import admin
from sunshine.registry.pages import home
from sunshine.registry.pages import roster
from sunshine.registry.pages import staff
from sunshine.registry.pages import staff_changes
from sunshine.registry.pages import staff_people

router = APIRouter(include_in_schema=False)
router.include_router(home.router)
router.include_router(staff.router)
router.include_router(staff_people.router)
router.include_router(staff_changes.router)
router.include_router(roster.router)
router.include_router(admin.router)
