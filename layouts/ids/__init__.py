"""Every component id of the app, in one place."""

from layouts.ids import ask as ask
from layouts.ids import authoring as authoring
from layouts.ids import board as board
from layouts.ids import boards as boards
from layouts.ids import builder as builder
from layouts.ids import dataset as dataset
from layouts.ids import home as home
from layouts.ids import indicator as indicator
from layouts.ids import shell as shell
from layouts.ids import tokens as tokens
from layouts.ids import upload as upload

ADM_TABS = "adm-tabs"
ADM_USER_GRID = "adm-user-grid"
ADM_NEW_FORM = "adm-new-form"
ADM_NEW_USERNAME = "adm-new-username"
ADM_NEW_DISPLAY = "adm-new-display"
ADM_NEW_PASSWORD = "adm-new-password"  # noqa: S105  (a component id, not a password)
ADM_NEW_ROLE = "adm-new-role"
ADM_NEW_DEPARTMENT = "adm-new-department"
ADM_NEW_DISTRICT = "adm-new-district"
ADM_NEW_SUBMIT = "adm-new-submit"
ADM_NEW_STATUS = "adm-new-status"
ADM_EDIT_PICK = "adm-edit-pick"
ADM_EDIT_PANEL = "adm-edit-panel"
ADM_EDIT_USER = "adm-edit-user"
ADM_EDIT_ROLE = "adm-edit-role"
ADM_EDIT_DEPARTMENT = "adm-edit-department"
ADM_EDIT_DISTRICT = "adm-edit-district"
ADM_EDIT_SAVE = "adm-edit-save"
ADM_EDIT_PASSWORD = "adm-edit-password"  # noqa: S105  (a component id, not a password)
ADM_EDIT_RESET = "adm-edit-reset"
ADM_EDIT_TOGGLE = "adm-edit-toggle"
ADM_EDIT_STATUS = "adm-edit-status"
ADM_DEPT_TABLE = "adm-dept-table"
ADM_DEPT_FORM = "adm-dept-form"
ADM_DEPT_CODE = "adm-dept-code"
ADM_DEPT_NAME_ZH = "adm-dept-name-zh"
ADM_DEPT_NAME_EN = "adm-dept-name-en"
ADM_DEPT_STATUS = "adm-dept-status"
ADM_AREA_TREE = "adm-area-tree"
ADM_AREA_FORM = "adm-area-form"
ADM_AREA_CODE = "adm-area-code"
ADM_AREA_NAME_ZH = "adm-area-name-zh"
ADM_AREA_NAME_EN = "adm-area-name-en"
ADM_AREA_LEVEL = "adm-area-level"
ADM_AREA_PARENT = "adm-area-parent"
ADM_AREA_STATUS = "adm-area-status"
ADM_GRANT_FILTER_TYPE = "adm-grant-filter-type"
ADM_GRANT_FILTER_ID = "adm-grant-filter-id"
ADM_GRANT_ALL_OBJECTS = "adm-grant-all-objects"
ADM_GRANT_TABLE = "adm-grant-table"
ADM_GRANT_REMOVE = "adm-grant-remove"  # pattern-matching type: {"type": ADM_GRANT_REMOVE, "index": grant id}
ADM_GRANT_REMOVE_STATUS = "adm-grant-remove-status"
ADM_GRANT_FORM = "adm-grant-form"
ADM_GRANT_OBJECT_TYPE = "adm-grant-object-type"
ADM_GRANT_OBJECT_ID = "adm-grant-object-id"
ADM_GRANT_OBJECTS = "adm-grant-objects"
ADM_GRANT_GRANTEE_TYPE = "adm-grant-grantee-type"
ADM_GRANT_GRANTEE = "adm-grant-grantee"
ADM_GRANT_GRANTEES = "adm-grant-grantees"
ADM_GRANT_LEVEL = "adm-grant-level"
ADM_GRANT_STATUS = "adm-grant-status"
ADM_POLICY_DATASET = "adm-policy-dataset"
ADM_POLICY_TABLE = "adm-policy-table"
ADM_POLICY_REMOVE = "adm-policy-remove"  # pattern-matching type: {"type": ADM_POLICY_REMOVE, "index": policy id}
ADM_POLICY_REMOVE_STATUS = "adm-policy-remove-status"
ADM_POLICY_FORM = "adm-policy-form"
ADM_POLICY_KIND = "adm-policy-kind"
ADM_POLICY_COLUMN = "adm-policy-column"
ADM_POLICY_TEMPLATE = "adm-policy-template"
ADM_POLICY_STATUS = "adm-policy-status"
ADM_AUDIT_FORM = "adm-audit-form"
ADM_AUDIT_ACTOR = "adm-audit-actor"
ADM_AUDIT_ACTION = "adm-audit-action"
ADM_AUDIT_FROM = "adm-audit-from"
ADM_AUDIT_TO = "adm-audit-to"
ADM_AUDIT_GRID = "adm-audit-grid"
ADM_VIEW_USER = "adm-view-user"
ADM_VIEW_RESULT = "adm-view-result"
ADM_VIEW_INDICATOR = "adm-view-indicator"
ADM_VIEW_VALUES = "adm-view-values"
