"""Pure domain: the SOP model, cases, the workflow and time. No I/O, no click."""
