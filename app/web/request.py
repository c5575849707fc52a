"""The request class: every submitted text field and query value arrives in Unicode NFC,
without control characters."""

import unicodedata

from flask import Request, current_app
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.utils import cached_property

# Control characters no one types in a form (tab and line breaks kept), and the bidirectional
# overrides and isolates that make a text display otherwise than it reads ("Trojan source").
_UNWANTED = dict.fromkeys(
    [
        *range(0x00, 0x09),
        0x0B,
        0x0C,
        *range(0x0E, 0x20),
        *range(0x7F, 0xA0),
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
    ]
)


def clean_input(value: str) -> str:
    """The value in NFC, without control characters or bidirectional overrides."""
    return unicodedata.normalize("NFC", value).translate(_UNWANTED)


def _nfc(values: ImmutableMultiDict) -> ImmutableMultiDict:
    return ImmutableMultiDict((key, clean_input(value)) for key, value in values.items(multi=True))


# Endpoints that take larger bodies than MAX_CONTENT_LENGTH, by the config key of their limit.
# Decided here, not in the view: the CSRF check reads the body before any view runs.
LARGE_BODIES = {
    "initiatives.upload": "INITIATIVE_UPLOAD_MAX",
    "showcase.photo": "STORY_UPLOAD_MAX",
}


class NFCRequest(Request):
    """Decomposed input (as some Vietnamese keyboards send it) is composed once, here."""

    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is None and current_app and self.endpoint in LARGE_BODIES:
            return current_app.config[LARGE_BODIES[self.endpoint]]
        return super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    def _load_form_data(self) -> None:
        if "form" in self.__dict__:
            return
        super()._load_form_data()
        self.__dict__["form"] = _nfc(self.__dict__["form"])

    @cached_property
    def args(self) -> ImmutableMultiDict:
        return _nfc(super().args)
