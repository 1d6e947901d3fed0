"""What the two forms are: fields, labels, choices and rules. Plain Python, no Qt."""

from forms.cases import CASES
from forms.fields import Field, Form, Kind
from forms.needs import NEEDS
from forms.profile import PROFILE

APP_NAME = "万里行填报助手"
APP_VERSION = "0.1.0"

FORMS = {f.id: f for f in (NEEDS, CASES, PROFILE)}

__all__ = ["APP_NAME", "APP_VERSION", "CASES", "FORMS", "NEEDS", "PROFILE", "Field", "Form", "Kind"]
