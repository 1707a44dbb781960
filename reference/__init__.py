"""The ServiceAi reference implementation, written by hand on the generated server stubs."""
