"""The plan's text read into a campaign, and `flask seed-campaign` that stores it."""

from pathlib import Path

from sqlalchemy import func, select

from app.campaigns.plan import DEFAULT_PLAN, parse_plan
from app.campaigns.services import DEFAULT_CODE, campaign_query
from app.extensions import db
from app.models.audit import AuditEntry
from app.models.campaigns import AppliesTo, Campaign, ContentArea, Criterion

# The plan as the office issued it; the copy shipped in app/data/ when the original is absent.
SHARED_PLAN = Path("/work/shared/domain/ke-hoach-phong-trao-thi-dua.txt")
PLAN_PATH = SHARED_PLAN if SHARED_PLAN.exists() else DEFAULT_PLAN
PLAN_TEXT = PLAN_PATH.read_text(encoding="utf-8")


def _seeded() -> Campaign:
    return db.session.scalar(
        campaign_query(with_everything=True).where(Campaign.code == DEFAULT_CODE)
    )


def test_parse_plan_areas_are_the_five_of_section_ii_in_the_plans_words():
    plan = parse_plan(PLAN_TEXT)
    assert [area.code for area in plan.areas] == ["II.1", "II.2", "II.3", "II.4", "II.5"]
    for number, area in enumerate(plan.areas, start=1):
        assert f"{number}. {area.title}." in PLAN_TEXT


def test_parse_plan_criteria_are_three_for_units_and_one_for_individuals():
    plan = parse_plan(PLAN_TEXT)
    assert len(plan.unit_criteria) == 3
    assert len(plan.individual_criteria) == 1
    for text in plan.unit_criteria:
        assert f"- {text}" in PLAN_TEXT
    assert plan.individual_criteria[0].startswith(
        "Công chức, viên chức, người lao động có sáng kiến"
    )
    assert plan.individual_criteria[0] in PLAN_TEXT


def test_parse_plan_name_and_reference_come_from_the_heading():
    plan = parse_plan(PLAN_TEXT)
    assert plan.name.startswith("Phong trào thi đua “Đổi mới sáng tạo")
    assert plan.plan_reference == "Kế hoạch số …/KH-VPUBND"
    assert plan.purpose.startswith("a) Tạo khí thế thi đua sôi nổi")


def test_seed_campaign_command_on_empty_database_creates_the_plans_campaign(app):
    result = app.test_cli_runner().invoke(args=["seed-campaign", "--plan", str(PLAN_PATH)])
    assert result.exit_code == 0, result.output
    assert "created" in result.output
    campaign = _seeded()
    assert [area.code for area in campaign.content_areas] == [f"II.{n}" for n in range(1, 6)]
    for number, area in enumerate(campaign.content_areas, start=1):
        assert area.position == number
        assert f"{number}. {area.title}." in PLAN_TEXT
    units = [c for c in campaign.criteria if c.applies_to == AppliesTo.UNIT]
    individuals = [c for c in campaign.criteria if c.applies_to == AppliesTo.INDIVIDUAL]
    assert [c.code for c in units] == ["III.1.a.1", "III.1.a.2", "III.1.a.3"]
    assert all(f"- {c.text}" in PLAN_TEXT for c in units)
    assert [c.code for c in individuals] == ["III.1.b"]
    assert individuals[0].text in PLAN_TEXT
    assert [c.position for c in campaign.criteria] == [1, 2, 3, 4]
    assert campaign.titles and campaign.commendation_forms
    assert db.session.scalar(select(AuditEntry.action)) == "campaign.seeded"


def test_seed_campaign_command_run_twice_creates_nothing_more(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["seed-campaign"])
    result = runner.invoke(args=["seed-campaign"])
    assert result.exit_code == 0, result.output
    assert "already present" in result.output
    assert db.session.scalar(select(func.count(Campaign.id))) == 1
    assert db.session.scalar(select(func.count(ContentArea.id))) == 5
    assert db.session.scalar(select(func.count(Criterion.id))) == 4
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 1
