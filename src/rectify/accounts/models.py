"""Users, their role and their data scope.

A user's scope is either everything (commission, inspection office, leader, admin) or one
org-unit subtree (unit lead, unit member). Scope is applied in every app's selectors.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rectify.core import clock


class Role(models.TextChoices):
    COMMISSION = "commission", _("纪委监委监督检查室")
    INSPECTION_OFFICE = "inspection_office", _("巡视办")
    UNIT_LEAD = "unit_lead", _("被巡视单位整改牵头人")
    UNIT_MEMBER = "unit_member", _("被巡视单位整改责任人")
    LEADER = "leader", _("领导（只读）")
    ADMIN = "admin", _("系统管理员")


UNIT_ROLES = frozenset({Role.UNIT_LEAD, Role.UNIT_MEMBER})
REVIEWER_ROLES = frozenset({Role.COMMISSION, Role.INSPECTION_OFFICE})


class User(AbstractUser):
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_("单位用户只能看到本单位及下级单位的数据。"),
    )
    must_change_password = models.BooleanField(
        _("须修改密码"), default=False,
        help_text=_("管理员设置或重置密码后，用户下次登录必须先修改密码。"),
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def clean(self) -> None:
        super().clean()
        if self.role in UNIT_ROLES and self.unit_id is None:
            raise ValidationError({"unit": gettext("单位用户必须指定所属单位。")})

    def __str__(self) -> str:
        return self.display_name or self.username

    # Capabilities, named by what the user may do. Keep every role check here.
    @property
    def is_unit_user(self) -> bool:
        return self.role in UNIT_ROLES

    @property
    def sees_all_units(self) -> bool:
        return not self.is_unit_user

    @property
    def sees_clues(self) -> bool:
        return self.role == Role.COMMISSION

    @property
    def can_review_close_out(self) -> bool:
        return self.role in REVIEWER_ROLES

    @property
    def can_reopen(self) -> bool:
        return self.role in REVIEWER_ROLES

    @property
    def sees_red_flags(self) -> bool:
        """False-rectification red flags, look-back repeat decisions and interviews: supervisors' work (the
        commission and the inspection office); units never see that a flag exists."""
        return self.role in REVIEWER_ROLES and self.is_active

    @property
    def can_submit_close_out(self) -> bool:
        return self.role == Role.UNIT_LEAD

    @property
    def can_edit_task_list(self) -> bool:
        """Add, edit, reorder and delete the tasks and responsibilities of its own unit's problems (scope is
        applied by the selectors: a unit lead reaches only its own subtree)."""
        return self.role == Role.UNIT_LEAD

    @property
    def can_review_plan(self) -> bool:
        """Approve a unit's rectification plan or return it with a reason."""
        return self.role in REVIEWER_ROLES

    @property
    def can_request_changes(self) -> bool:
        """Ask for a change to what an approved plan fixed (deadline, deadline kind, fed-back text)."""
        return self.role in (Role.UNIT_LEAD, *REVIEWER_ROLES)

    @property
    def can_decide_change_requests(self) -> bool:
        """Approve or refuse change requests (never one's own: the services check that)."""
        return self.role in REVIEWER_ROLES

    @property
    def can_issue_supervision_orders(self) -> bool:
        """Issue supervision orders and the letters of the escalation ladder to inspected units."""
        return self.role in REVIEWER_ROLES and self.is_active

    @property
    def can_answer_supervision_orders(self) -> bool:
        """Answer an order addressed to one's own unit (scope: the order's unit is in the user's subtree)."""
        return self.role in (Role.UNIT_LEAD, Role.UNIT_MEMBER) and self.is_active

    @property
    def can_approve_repeated_extensions(self) -> bool:
        """Approve a task's second (or later) extension: the commission only (issue 11 §3)."""
        return self.role == Role.COMMISSION

    @property
    def can_report_progress(self) -> bool:
        return self.role in (Role.UNIT_LEAD, Role.UNIT_MEMBER)

    @property
    def can_file_unit_report(self) -> bool:
        """File the unit's periodic progress reports and its rectification report (reports app)."""
        return self.role == Role.UNIT_LEAD

    @property
    def can_manage_rounds(self) -> bool:
        """Create and edit rounds, teams and inspected units (the admin only reads them)."""
        return self.role in REVIEWER_ROLES

    @property
    def can_enter_feedback(self) -> bool:
        """Enter fed-back problems (by form, API or feedback-list import). Units never can."""
        return self.role in REVIEWER_ROLES

    @property
    def can_add_self_found_problem(self) -> bool:
        """A unit's own self-found problems (举一反三/自查问题)."""
        return self.role == Role.UNIT_LEAD

    @property
    def can_manage_clues(self) -> bool:
        return self.role == Role.COMMISSION

    @property
    def can_manage_users(self) -> bool:
        """系统管理 → 用户与令牌: create, edit, deactivate users, reset passwords, unlock accounts, API tokens."""
        return self.role == Role.ADMIN and self.is_active

    @property
    def sees_accountability(self) -> bool:
        """Accountability files (and the catalogue they are judged by) are the commission's: everyone else
        gets 404, as for a missing page."""
        return self.role == Role.COMMISSION

    @property
    def can_handle_accountability(self) -> bool:
        """Open and conduct accountability cases, and assign specialists from the pool: the commission's."""
        return self.role == Role.COMMISSION and self.is_active

    @property
    def can_edit_accountability_catalogue(self) -> bool:
        """Edit the catalogue rows of the accountability regulations (texts, articles, impact periods, active
        flag). The admin maintains the rules but sees no accountability case."""
        return self.role == Role.ADMIN and self.is_active

    @property
    def can_maintain_all_rosters(self) -> bool:
        """The org tree, people, posts and tenures of every unit."""
        return self.role in (Role.ADMIN, Role.INSPECTION_OFFICE)

    def can_maintain_roster_of(self, unit_path: str) -> bool:
        """People, posts and tenures of the unit with this OrgUnit.path: admins and the office for every unit,
        a unit lead for its own unit and the units below it."""
        if not self.is_active:
            return False
        if self.can_maintain_all_rosters:
            return True
        return self.role == Role.UNIT_LEAD and self.unit is not None and unit_path.startswith(self.unit.path)


class ApiToken(models.Model):
    """A bearer token for integrations. Only its SHA-256 is stored; it stops working when it expires or is
    revoked (the row stays, so the audit trail and the token list keep it)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("用户"))
    name = models.CharField(_("用途"), max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("前缀"), max_length=8)
    created_at = models.DateTimeField(_("创建时间"), default=clock.now, editable=False)  # the system clock
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("到期时间"))

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode("utf-8")).hexdigest()

    @staticmethod
    def new_key() -> str:
        return "rct_" + secrets.token_urlsafe(32)

    def state_at(self, moment: dt.datetime) -> str:
        """"revoked", "expired" or "active" at ``moment``."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= moment:
            return "expired"
        return "active"
