"""Small field checkers shared by the monitor and dashboard validators.

Every failure raises ValidationError with a short message that names the field,
which the server turns into a 400 {"error":{"message":...}}.
"""


class ValidationError(Exception):
    """Maps to HTTP 400."""


def is_number(v):
    # bool is a subclass of int in Python, but JSON true is not a number.
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def is_integer(v):
    return is_number(v) and float(v).is_integer()


def _missing(v, name, required):
    """JSON null counts as omitted: the API treats both the same way."""
    if v is None:
        if required:
            raise ValidationError(f"{name} is required")
        return True
    return False


def _range_message(name, lo, hi, kind):
    if lo is not None and hi is not None:
        return f"{name} must be {kind} between {lo} and {hi}"
    if lo is not None:
        return f"{name} must be {kind} >= {lo}"
    return f"{name} must be {kind} <= {hi}"


def _in_range(v, lo, hi):
    return (lo is None or v >= lo) and (hi is None or v <= hi)


def string(obj, key, required=False, nonempty=False, max_len=None, where=""):
    name = where + key
    v = obj.get(key)
    if _missing(v, name, required):
        return None
    if not isinstance(v, str):
        raise ValidationError(f"{name} must be a string")
    if nonempty and not v.strip():
        raise ValidationError(f"{name} must not be empty")
    if max_len is not None and len(v) > max_len:
        raise ValidationError(f"{name} must be at most {max_len} characters")
    return v


def integer(obj, key, lo=None, hi=None, required=False, where=""):
    name = where + key
    v = obj.get(key)
    if _missing(v, name, required):
        return None
    if not is_integer(v):
        raise ValidationError(f"{name} must be an integer")
    if not _in_range(v, lo, hi):
        raise ValidationError(_range_message(name, lo, hi, "an integer"))
    # 3.0 -> 3, so integer fields echo back as integers.
    return int(v)


def number(obj, key, lo=None, hi=None, required=False, where=""):
    name = where + key
    v = obj.get(key)
    if _missing(v, name, required):
        return None
    if not is_number(v):
        raise ValidationError(f"{name} must be a number")
    if not _in_range(v, lo, hi):
        raise ValidationError(_range_message(name, lo, hi, "a number"))
    return v  # kept as sent: 20000.0 stays a float, like the docs' examples


def boolean(obj, key, required=False, where=""):
    name = where + key
    v = obj.get(key)
    if _missing(v, name, required):
        return None
    if not isinstance(v, bool):
        raise ValidationError(f"{name} must be a boolean")
    return v


def enum(obj, key, allowed, required=False, where=""):
    name = where + key
    v = obj.get(key)
    if _missing(v, name, required):
        return None
    if not isinstance(v, str) or v not in allowed:
        choices = ", ".join(f'"{a}"' for a in allowed)
        raise ValidationError(f"{name} must be one of {choices}")
    return v


def obj_field(obj, key, required=False, where=""):
    name = where + key
    v = obj.get(key)
    if _missing(v, name, required):
        return None
    if not isinstance(v, dict):
        raise ValidationError(f"{name} must be an object")
    return v


def array(obj, key, required=False, max_items=None, where=""):
    name = where + key
    v = obj.get(key)
    if _missing(v, name, required):
        return None
    if not isinstance(v, list):
        raise ValidationError(f"{name} must be an array")
    if max_items is not None and len(v) > max_items:
        raise ValidationError(f"{name} must have at most {max_items} element(s)")
    return v
