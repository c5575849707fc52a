"""The journeys the benchmark drives, each a list of steps with the check of every response:
sign-in, the signed-in floor, home, the vote page, the vote toggle (cast, then withdraw), the
survey page, the survey submission (three pages, one person per submission), the survey's
results, the monitoring dashboard and the CSV export.
"""

import math
import random
from urllib.parse import quote, urlencode

from app.models.surveys import QuestionKind, SurveyQuestion
from app.surveys import answering
from app.surveys import services as surveys
from bench.client import Session
from bench.dataset import Dataset, random_answers
from bench.load import Journey, Step

K = QuestionKind
HTMX = {"HX-Request": "true"}
# Submissions a second that the submission step's surveys must be able to take (per second of
# the step); far above what two workers can do, so no connection runs out of people.
SUBMISSIONS_CEILING = 250

READS = ("home", "vote page", "survey page")
FLOOR = "signed-in floor"
WRITES = ("vote toggle", "survey submission")


def _user(session: Session, **values) -> dict:
    return {"label": session.username, "cookie": session.cookie, "token": session.token, **values}


def sign_in(forms: list[Session], password: str) -> Journey:
    """POST the login form (the real scrypt cost) from a session that showed it; 303 home."""
    body = "csrf_token={token}&username={username}&password={password}"
    users = [_user(form, username=quote(form.username), password=quote(password)) for form in forms]
    step = Step("POST", "/login", 303, marker="/", header="Location", body=body, keep_cookie=True)
    return Journey("sign-in", "other", [step], users)


def signed_in_floor(sessions: list[Session]) -> Journey:
    """A signed-in GET of /healthz: all that every page runs before its own work (the session
    cookie, the person and their frame's facts loaded, the hooks, one round trip to the
    database) and nothing of a page. The pages' throughput reads against it: no page of the
    app can be faster."""
    steps = [Step("GET", "/healthz", 200, marker='"status":"ok"')]
    return Journey(FLOOR, "read", steps, [_user(s) for s in sessions])


def home(sessions: list[Session]) -> Journey:
    steps = [Step("GET", "/", 200, marker='id="todo-heading"')]
    return Journey("home", "read", steps, [_user(s) for s in sessions])


def vote_page(sessions: list[Session], round_id: int) -> Journey:
    steps = [Step("GET", f"/voting/{round_id}", 200, marker='id="candidates"')]
    return Journey("vote page", "read", steps, [_user(s) for s in sessions])


def vote_toggle(sessions: list[Session], data: Dataset, seed: int = 1) -> Journey:
    """Cast a vote for a candidate the person did not write, then withdraw it (htmx, as the
    page's buttons do): each connection its own voter."""
    rng = random.Random(seed)
    users = []
    for session in sessions:
        mine = set(data.authored.get(session.username, ()))
        candidate = rng.choice([c for c in data.candidate_ids if c not in mine])
        users.append(_user(session, candidate=str(candidate)))
    path = f"/voting/{data.round_id}/ballot"
    body = "csrf_token={token}&candidate={candidate}&action="
    marker = 'id="vote-status" hx-swap-oob'
    steps = [
        Step("POST", path, 200, marker=marker, body=body + "cast", headers=HTMX),
        Step("POST", path, 200, marker=marker, body=body + "withdraw", headers=HTMX),
    ]
    return Journey("vote toggle", "write", steps, users)


def survey_page(sessions: list[Session], survey_id: int) -> Journey:
    steps = [Step("GET", f"/surveys/{survey_id}/answer", 200, marker='id="survey-progress"')]
    return Journey("survey page", "read", steps, [_user(s) for s in sessions])


def page_form(questions: list[SurveyQuestion], answers: dict) -> list[tuple[str, str]]:
    """The form fields a browser sends for these questions' answers."""
    fields = []
    for question in questions:
        value = answers.get(str(question.id))
        if value is None:
            continue
        name = answering.field_name(question)
        if question.kind == K.MULTIPLE:
            fields += [(name, str(v)) for v in value]
        elif question.kind == K.LIKERT:
            fields += [(answering.field_name(question, int(k)), str(v)) for k, v in value.items()]
        elif isinstance(value, float):
            fields.append((name, f"{value:g}"))
        else:
            fields.append((name, str(value)))
    return fields


def surveys_needed(seconds: float, pool: int) -> int:
    return max(1, math.ceil(SUBMISSIONS_CEILING * seconds / max(pool, 1)))


def survey_submission(sessions: list[Session], survey_ids: list[int], seed: int = 2) -> Journey:
    """Answer the plan's survey page by page (Next, Next, Submit) as one person: every pair of
    person and survey submits once, so each sequence is a new response."""
    rng = random.Random(seed)
    template = surveys.load(survey_ids[0])
    pages = answering.pages(template)
    users = []
    for survey_id in survey_ids:
        survey = surveys.load(survey_id)
        questions = surveys.ordered_questions(survey)
        survey_pages = answering.pages(survey)
        for session in sessions:
            answers = random_answers(questions, rng)
            values = {"survey": str(survey_id)}
            for number, (_section, on_page) in enumerate(survey_pages):
                values[f"a{number}"] = urlencode(page_form(on_page, answers))
            users.append(_user(session, **values))
    rng.shuffle(users)
    last = len(pages) - 1
    steps = []
    for number in range(len(pages)):
        action = "submit" if number == last else "next"
        marker = "/thanks" if number == last else f"page={number + 1}"
        body = f"csrf_token={{token}}&page={number}&action={action}&{{a{number}}}"
        steps.append(
            Step(
                "POST", "/surveys/{survey}/answer", 303, marker=marker, header="Location", body=body
            )
        )
    return Journey("survey submission", "write", steps, users, advance=True)


def results_page(sessions: list[Session], survey_id: int) -> Journey:
    steps = [Step("GET", f"/surveys/{survey_id}/results", 200, marker='id="awareness-index"')]
    return Journey("results page", "read", steps, [_user(s) for s in sessions])


def dashboard(sessions: list[Session]) -> Journey:
    steps = [Step("GET", "/monitoring/", 200, marker='id="board"')]
    return Journey("dashboard", "read", steps, [_user(s) for s in sessions])


def csv_export(sessions: list[Session], survey_id: int, responses: int) -> Journey:
    """The whole survey as CSV: the header and one line per response, counted."""
    step = Step(
        "GET", f"/surveys/{survey_id}/responses.csv", 200, marker="Câu 1.", lines=responses + 1
    )
    return Journey("CSV export", "other", [step], [_user(s) for s in sessions])
