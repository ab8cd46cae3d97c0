"""The one error a coach, participant or trainer sees for bad input."""


class ParameterError(ValueError):
    """A parameter value that the kit does not accept.

    The message names the parameter, the value that was given and what is allowed,
    so it can be shown as it is in a notebook, a widget panel or the command line.

    Parameters
    ----------
    name : str
        The parameter's name as the user typed it (``target``, ``results[3]``, ...).
    value : object
        The value that was given.
    allowed : str
        What would have been accepted, in plain words.
    """

    def __init__(self, name: str, value: object, allowed: str) -> None:
        self.name = name
        self.value = value
        self.allowed = allowed
        super().__init__(f"{name} = {value!r} is not allowed: {allowed}")
