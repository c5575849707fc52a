"""The request class: every submitted text field and query value arrives in Unicode NFC."""

import unicodedata

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.utils import cached_property


def _nfc(values: ImmutableMultiDict) -> ImmutableMultiDict:
    return ImmutableMultiDict(
        (key, unicodedata.normalize("NFC", value)) for key, value in values.items(multi=True)
    )


class NFCRequest(Request):
    """Decomposed input (as some Vietnamese keyboards send it) is composed once, here."""

    def _load_form_data(self) -> None:
        if "form" in self.__dict__:
            return
        super()._load_form_data()
        self.__dict__["form"] = _nfc(self.__dict__["form"])

    @cached_property
    def args(self) -> ImmutableMultiDict:
        return _nfc(super().args)
