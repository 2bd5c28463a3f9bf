"""The board (`salesflow board`), a Textual app: the board screen with a column per stage, the
deal card and the morning list, and the dialogs of its actions."""
