"""The `matcher` command: serve, worker, database, demo, keys, mail, digest, re-index, suggest,
eval, train, assign, import and export."""

from __future__ import annotations

import typer

from matcher.cli import (
    assign,
    database,
    demo,
    embedding,
    evaluation,
    keys,
    mail,
    people,
    programme,
    serve,
    suggest,
    train,
)

app = typer.Typer(help="Member matchmaking and capacity sharing.", no_args_is_help=True)
app.add_typer(database.app, name="db")
app.add_typer(demo.app, name="demo")
app.add_typer(keys.app, name="keys")
app.add_typer(mail.mail_app, name="mail")
app.command("digest")(mail.digest_command)
app.add_typer(programme.programme_app, name="programme")
app.command("serve")(serve.serve)
app.command("worker")(serve.worker)
app.command("reindex")(embedding.reindex)
app.command("suggest")(suggest.suggest)
app.command("eval")(evaluation.eval_command)
app.command("train")(train.train_command)
app.command("assign")(assign.assign_command)
app.add_typer(people.import_app, name="import")
app.add_typer(people.export_app, name="export")


def main() -> None:
    """Console-script entry point."""
    app()
