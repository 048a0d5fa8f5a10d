"""Thin adapters: read inputs, get the actor, call one service, return a layout."""
