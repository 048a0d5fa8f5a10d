"""Component ids of questions on boards."""

INPUT = "ask-input"
SUBMIT = "ask-submit"
ASKED = "ask-asked"  # the question whose answer is shown (saving asks it again on the server)
ANSWER = "ask-answer"
SAVED = "ask-saved"
SAVE = "ask-save"  # pattern-matching type: {"type": ASK_SAVE, "target": "board" | "mine"}
HINT = "ask-hint"  # pattern-matching type: {"type": ASK_HINT, "n": index}
GRAPH = "ask-graph"
