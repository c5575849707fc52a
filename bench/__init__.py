"""The benchmark of Thi đua (`make bench`, `python -m bench`).

It builds a dataset in a fresh database (SQLite, and PostgreSQL when reachable), serves the app
with gunicorn as deployed (2 sync workers), drives each journey with wrk and a Lua script that
checks every response, counts the writes in the database afterwards, compares the figures with
two bare Flask baselines under the same server, runs the deadline burst, and prints the table
and the targets (the same as JSON under bench/results/).
"""
