"""Every component id of the app, a module per screen: `ids.board.GRID`, `ids.admin.USER_GRID`, `ids.builder.SOURCE`.

An id's value is what the DOM, assets/*.js and the browser tests use; its name is the screen's module plus the
name within the screen."""

from layouts.ids import admin as admin
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
