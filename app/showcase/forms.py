"""The story forms: the texts, the photo with its description, the links. The services check
everything again; these mirror their limits so every error shows at once beside its field."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from app.commitments.forms import optional_int
from app.models.stories import ALT_MAX, BODY_MAX, SUMMARY_MAX, TITLE_MAX
from app.showcase.services import clean_body
from app.text import clean

_TOO_LONG = _l("At most %(max)d characters.")


class StoryForm(FlaskForm):
    title = StringField(
        _l("Title"),
        filters=[clean],
        render_kw={"maxlength": False},
        validators=[
            InputRequired(_l("Enter the title of the story.")),
            Length(max=TITLE_MAX, message=_TOO_LONG),
        ],
    )
    summary = TextAreaField(
        _l("Summary (sapo)"),
        filters=[clean],
        description=_l(
            "One to three sentences under the title; the showcase and the portal show it "
            "with the photo."
        ),
        render_kw={"rows": 3, "maxlength": False},
        validators=[
            InputRequired(_l("Enter the summary (sapo) of the story.")),
            Length(max=SUMMARY_MAX, message=_TOO_LONG),
        ],
    )
    body = TextAreaField(
        _l("Body"),
        filters=[clean_body],
        render_kw={"rows": 16, "maxlength": False},
        validators=[
            InputRequired(_l("Write the body of the story.")),
            Length(max=BODY_MAX, message=_TOO_LONG),
        ],
    )

    def service_data(self) -> dict:
        return {"title": self.title.data, "summary": self.summary.data, "body": self.body.data}


class PhotoForm(FlaskForm):
    photo = FileField(_l("Photo"), render_kw={"accept": ".png,.jpg,.jpeg,image/png,image/jpeg"})
    alt = StringField(
        _l("Description of the photo"),
        filters=[clean],
        description=_l(
            "What the photo shows, read out to those who cannot see it: "
            "“Đồng chí … nhận Giấy khen tại hội nghị sơ kết”."
        ),
        render_kw={"maxlength": False},
        validators=[Optional(), Length(max=ALT_MAX, message=_TOO_LONG)],
    )


class LinksForm(FlaskForm):
    """What the story is about. The person is chosen with the picker (a radio named user_id);
    none chosen keeps the person already linked unless "remove" is ticked."""

    initiative_id = SelectField(
        _l("Initiative"),
        coerce=optional_int,
        validate_choice=False,
        description=_l("Only accepted or recognized initiatives can be linked."),
    )
    user_id = RadioField(_l("Person"), coerce=optional_int, validate_choice=False)
    remove_person = BooleanField(_l("Remove the link to this person"))
    unit_id = SelectField(_l("Unit"), coerce=optional_int, validate_choice=False)
