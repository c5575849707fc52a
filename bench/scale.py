"""The sizes of the benchmark's datasets: the office (default) and the whole province."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    staff: int
    units: int
    initiatives: int
    candidates: int
    # Surveys already answered, each with this many responses (the results page reads one).
    surveys: int
    responses: int
    # The survey the CSV export downloads (and, at province scale, the results page reads).
    export_responses: int
    # Signed-in staff whose sessions the load journeys share out (one per connection, and the
    # submissions' pool).
    session_pool: int = 256
    # Staff whose password keeps the app's real scrypt cost, for the sign-in journey.
    signin_users: int = 32


DEFAULT = Scale(
    "default",
    staff=500,
    units=12,
    initiatives=200,
    candidates=20,
    surveys=10,
    responses=500,
    export_responses=10_000,
)
PROVINCE = Scale(
    "province",
    staff=20_000,
    units=300,
    initiatives=5_000,
    candidates=20,
    surveys=10,
    responses=500,
    export_responses=50_000,
)
# The deadline burst's own office: enough people for 1,000 distinct voters and respondents.
BURST = Scale(
    "burst",
    staff=1_000,
    units=12,
    initiatives=40,
    candidates=20,
    surveys=0,
    responses=0,
    export_responses=0,
    session_pool=0,
    signin_users=0,
)
# A few rows of everything, for trying the bench itself (`--scale tiny`).
TINY = Scale(
    "tiny",
    staff=120,
    units=6,
    initiatives=40,
    candidates=8,
    surveys=2,
    responses=60,
    export_responses=500,
    session_pool=64,
    signin_users=8,
)

SCALES = {scale.name: scale for scale in (DEFAULT, PROVINCE, TINY)}
