"""Read the office's plan (Kế hoạch) into the parts of a campaign, in the plan's own words."""

import re
from dataclasses import dataclass, field
from pathlib import Path

from app.text import clean

DEFAULT_PLAN = Path(__file__).resolve().parent.parent / "data" / "ke-hoach-phong-trao-thi-dua.txt"


@dataclass
class PlanArea:
    code: str
    title: str


@dataclass
class Plan:
    name: str
    plan_reference: str
    purpose: str
    areas: list[PlanArea] = field(default_factory=list)
    unit_criteria: list[str] = field(default_factory=list)
    individual_criteria: list[str] = field(default_factory=list)


def _section(lines: list[str], start: str, end: str | None) -> list[str]:
    begin = next(i for i, line in enumerate(lines) if line.startswith(start))
    stop = len(lines)
    if end is not None:
        stop = next(i for i, line in enumerate(lines) if i > begin and line.startswith(end))
    return lines[begin + 1 : stop]


def parse_plan(text: str) -> Plan:
    """The campaign's parts from the plan's text (sections I, II and III.1)."""
    lines = [clean(line) for line in text.splitlines() if clean(line)]
    heading = lines[lines.index("KẾ HOẠCH") + 1]
    quoted = re.search(r"Phong trào thi đua “[^”]+”", heading)
    name = quoted.group(0) if quoted else heading
    number = next((line for line in lines if line.startswith("Số:")), "")
    reference = number.replace("Số:", "Kế hoạch số").replace(" /", " …/").strip()
    purpose = "\n".join(_section(lines, "I. MỤC ĐÍCH", "II. NỘI DUNG"))

    areas = []
    for line in _section(lines, "II. NỘI DUNG", "III. TIÊU CHÍ"):
        match = re.match(r"(\d+)\. (.+)", line)
        if not match:
            continue
        areas.append(PlanArea(code=f"II.{match.group(1)}", title=match.group(2).rstrip(".")))
    unit_part = _section(lines, "a) Đối với các phòng", "b) Đối với các cá nhân")
    individual_part = _section(lines, "b) Đối với các cá nhân", "2. Hình thức")
    return Plan(
        name=name,
        plan_reference=reference,
        purpose=purpose,
        areas=areas,
        unit_criteria=[line[2:] for line in unit_part if line.startswith("- ")],
        individual_criteria=individual_part,
    )


def read_plan(path: Path | None = None) -> Plan:
    return parse_plan((path or DEFAULT_PLAN).read_text(encoding="utf-8"))
