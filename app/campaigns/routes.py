"""The campaign as staff read it, and the officer's campaign screens."""

from flask import Blueprint, abort
from flask_login import login_required
from sqlalchemy import select

from app.campaigns.services import campaign_query, current_campaign
from app.extensions import db
from app.models.campaigns import Campaign
from app.models.directory import Role
from app.web.access import role_required
from app.web.htmx import render

bp = Blueprint("campaigns", __name__)


def get_campaign(campaign_id: int) -> Campaign:
    campaign = db.session.scalar(
        campaign_query(with_everything=True).where(Campaign.id == campaign_id)
    )
    if campaign is None:
        abort(404)
    return campaign


@bp.get("/current")
@login_required
def current():
    """The campaign under way, with its content areas and criteria."""
    return render("campaigns/detail.html", campaign=current_campaign(with_everything=True))


@bp.get("/<int:campaign_id>")
@login_required
def detail(campaign_id: int):
    """One campaign."""
    return render("campaigns/detail.html", campaign=get_campaign(campaign_id))


@bp.get("/")
@role_required(Role.OFFICER)
def index():
    """The officer's list of campaigns."""
    campaigns = db.session.scalars(select(Campaign).order_by(Campaign.starts_on.desc())).all()
    return render("campaigns/index.html", campaigns=campaigns)
