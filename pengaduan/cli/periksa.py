"""`pengaduan periksa`: the store's health as files and as a git repository (for cron, beside audit)."""

from __future__ import annotations

import json

import click

from pengaduan.cli.common import Choice, Env, pass_env


@click.command("periksa")
@click.option(
    "--perbaiki", is_flag=True, help="Bereskan yang aman dibereskan (transaksi terputus, berkas sementara, kunci mati, cache)."
)
@click.option("--format", "fmt", type=Choice(["teks", "json"]), default="teks", show_default=True)
@pass_env
@click.pass_context
def periksa(ctx: click.Context, env: Env, perbaiki: bool, fmt: str) -> None:
    """Periksa kesehatan store: git fsck, berkas kasus di HEAD, sisa transaksi atau sinkron yang terputus, data turunan.

    Keluar dengan kode 0 bila bersih, 1 bila ada temuan. Dengan --perbaiki, yang aman dibereskan
    dibereskan dahulu dan setiap tindakan disebutkan.
    """
    from pengaduan.app.check import check

    result = check(env.desk(), repair=perbaiki)
    if fmt == "json":
        data = {
            "head": result.head,
            "kasus_diperiksa": result.cases,
            "perbaikan": result.repairs,
            "temuan": [f.to_dict() for f in result.findings],
            "ringkasan": result.summary,
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for line in result.repairs:
            click.echo(f"diperbaiki: {line}")
        for finding in result.findings:
            mark = " (bisa --perbaiki)" if finding.repairable else ""
            click.echo(f"{finding.kind:<12}  {finding.path}: {finding.message}{mark}")
        click.echo(result.summary)
    ctx.exit(1 if result.findings else 0)


def register(group: click.Group) -> None:
    group.add_command(periksa)
