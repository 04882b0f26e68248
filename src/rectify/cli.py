"""The `rectify` command line. `rectify --help` lists every command.

Every command that touches the database migrates it first, so any of them works as the first
command on a fresh RECTIFY_HOME.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

DEMO_PASSWORD_HINT = "所有演示账号的密码均为 demo-pass-2026"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rectify", description="整改通 Rectify — 巡视巡察整改监督与精准问责")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    serve = sub.add_parser("serve", help="启动网页服务（gunicorn），首次运行自动建库")
    serve.add_argument("--demo", action="store_true", help="数据库为空时载入演示数据并打印演示账号")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=0, help="工作进程数（默认按 CPU 核数）")

    demo = sub.add_parser("demo-data", help="向空数据库载入演示数据（云南省委巡视“回头看”20家单位）")
    demo.add_argument("--json", action="store_true", help="只输出一个 JSON 对象")

    createuser = sub.add_parser("createuser", help="创建用户")
    createuser.add_argument("username")
    createuser.add_argument("--role", required=True,
                            choices=["commission", "inspection_office", "unit_lead", "unit_member", "leader", "admin"])
    createuser.add_argument("--unit", help="单位编码（单位用户必填）")
    createuser.add_argument("--password", required=True)
    createuser.add_argument("--display-name", default="")
    createuser.add_argument("--email", default="", help="电子邮箱（接收每日通知摘要）")

    token = sub.add_parser("token", help="为用户生成新的接口令牌（只在标准输出打印令牌）；--list 列出、--revoke 吊销")
    token.add_argument("username")
    token.add_argument("--label", default="", help="令牌用途说明")
    token.add_argument("--expires-days", type=int, default=None, dest="expires_days",
                       help="有效期天数（默认 RECTIFY_TOKEN_DAYS，180 天）")
    token_mode = token.add_mutually_exclusive_group()
    token_mode.add_argument("--list", action="store_true", help="列出该用户的令牌（不含令牌本身）")
    token_mode.add_argument("--revoke", type=int, default=None, metavar="TOKEN_ID", help="吊销该用户编号为 TOKEN_ID 的令牌")

    unlock = sub.add_parser("unlock", help="解除因连续登录失败造成的锁定：按用户名，或用 --address 按客户端地址")
    unlock.add_argument("username", nargs="?", default=None)
    unlock.add_argument("--address", default=None, help="客户端 IP 地址")

    imp = sub.add_parser("import-ledger", help="导入整改台账（.xlsx/.xls/.csv），先比对后写入，全部成功或全部不写")
    imp.add_argument("file")
    imp.add_argument("--round", required=True, dest="round_code", help="巡视轮次编码")
    imp.add_argument("--unit", required=True, dest="unit_code", help="被巡视单位编码")
    imp.add_argument("--unit-name", default="", help="单位不存在时新建，用此名称")
    imp.add_argument("--dry-run", action="store_true", help="只比对、报告差异和错误，不写入")
    imp.add_argument("--json", action="store_true", help="只输出一个 JSON 对象")
    imp.add_argument("--password", default=None, help="工作簿打开密码")

    people = sub.add_parser("import-people", help="导入领导班子成员名单/任职情况表（.xlsx/.xls/.csv），先比对后写入，全部成功或全部不写")
    people.add_argument("file")
    people.add_argument("--unit", required=True, dest="unit_code", help="单位编码")
    people.add_argument("--dry-run", action="store_true", help="只比对、报告差异和错误，不写入")
    people.add_argument("--json", action="store_true", help="只输出一个 JSON 对象")
    people.add_argument("--password", default=None, help="工作簿打开密码")

    cases = sub.add_parser("import-cases", help="导入典型案例（网页转存文章、.docx、.txt、.html、文字版 PDF），同一内容不重复导入")
    cases.add_argument("paths", nargs="+", metavar="PATH", help="文件或目录（目录中的文件逐个导入）")
    cases.add_argument("--json", action="store_true", help="只输出一个 JSON 对象")

    exp = sub.add_parser("export-ledger", help="按标准格式导出整改台账（.xlsx）")
    exp.add_argument("--round", required=True, dest="round_code")
    exp.add_argument("--unit", dest="unit_code", default=None, help="只导出一个单位；不填则导出全轮次（含汇总表）")
    exp.add_argument("-o", "--output", required=True, help="输出文件，如 台账.xlsx")

    # --- rounds ---
    rnd = sub.add_parser("round", help="巡视轮次：新建轮次（create）、添加被巡视单位（add-unit）")
    round_sub = rnd.add_subparsers(dest="round_command", metavar="SUBCOMMAND", required=True)
    rc = round_sub.add_parser("create", help="新建巡视轮次")
    rc.add_argument("code", metavar="CODE", help="轮次编码，如 YN-2026-1")
    rc.add_argument("--name", required=True, help="轮次名称")
    rc.add_argument("--kind", required=True, help="regular 常规 | special 专项 | mobile 机动 | look_back 回头看")
    rc.add_argument("--level", required=True, help="central 中央 | provincial 省委 | city 市委 | county 县委")
    rc.add_argument("--start", required=True, help="进驻日期 YYYY-MM-DD")
    rc.add_argument("--end", default=None, help="结束日期 YYYY-MM-DD")
    rc.add_argument("--look-back-of", default=None, dest="look_back_of", help="“回头看”所对应轮次的编码（可不填）")
    rc.add_argument("--json", action="store_true", help="只输出一个 JSON 对象（出错时为 {\"error\": …}）")
    ra = round_sub.add_parser("add-unit", help="把单位加入巡视轮次（可同时新建单位和巡视组）")
    ra.add_argument("round_code", metavar="ROUND", help="轮次编码")
    ra.add_argument("--unit", required=True, dest="unit_code", help="单位编码")
    ra.add_argument("--unit-name", default="", help="单位不存在时新建，用此名称")
    ra.add_argument("--parent", default=None, help="新建单位的上级单位编码（不填则在单位树顶层）")
    ra.add_argument("--kind", default=None, help="新建单位的类型：department、enterprise、prefecture、county、other 等")
    ra.add_argument("--feedback-date", required=True, help="反馈日期 YYYY-MM-DD")
    ra.add_argument("--team", default=None, help="巡视组名称；本轮没有则新建")
    ra.add_argument("--json", action="store_true", help="只输出一个 JSON 对象（出错时为 {\"error\": …}）")

    worker = sub.add_parser("worker", help="运行后台任务（台账导入等）；serve 会自动启动一个并在它退出时重新启动")
    worker.add_argument("--parent", type=int, default=None, help=argparse.SUPPRESS)  # serve's pid: stop when it is gone
    notify = sub.add_parser("notify", help="发送到期、预警、逾期、告诫、待审核和退回通知（每人每天一封邮件摘要；可重复运行）")
    notify.add_argument("--json", action="store_true", help="只输出 {\"notifications\": n, \"emails\": n, \"webhooks\": n}")
    webhook = sub.add_parser("webhook", help="群机器人：添加企业微信或钉钉群机器人（add）")
    webhook_sub = webhook.add_subparsers(dest="webhook_command", metavar="ACTION", required=True)
    wa = webhook_sub.add_parser("add", help="添加群机器人，按轮次或单位推送通知摘要")
    wa.add_argument("url")
    wa.add_argument("--kind", required=True, choices=["wecom", "dingtalk"])
    wa.add_argument("--round", dest="round_code", default=None, help="轮次编码")
    wa.add_argument("--unit", dest="unit_code", default=None, help="单位编码（含下级单位）")
    wa.add_argument("--secret-file", default=None, help="钉钉机器人“加签”密钥所在的文件（不在命令行上写密钥）")
    sub.add_parser("verify-audit", help="校验审计日志哈希链是否完整")
    sub.add_parser("verify-rollups", help="按源数据重新计算统计汇总，与已存的逐项比对；不一致时指出第一处并返回非零")
    sub.add_parser("rebuild-rollups", help="按源数据重新生成全部统计汇总（批量导入数据库之后使用）")
    sub.add_parser("migrate", help="只执行数据库迁移")

    test = sub.add_parser("test", help="运行全部测试（SQLite；DATABASE_URL 指向 PostgreSQL 时再在 PostgreSQL 上运行一遍）")
    test.add_argument("pytest_args", nargs=argparse.REMAINDER, help="传给 pytest 的参数")
    return parser


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rectify.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _fail(message: str, code: int = 2) -> int:
    print(f"rectify: {message}", file=sys.stderr)
    return code


def cmd_serve(args: argparse.Namespace) -> int:
    from rectify.core import vendor
    from rectify.demo.loader import database_is_empty, demo_load

    if vendor.installed_version() != vendor.ECHARTS_VERSION:  # installed without the ./rectify wrapper
        vendor.main([])  # prints what it did, or why the charts will be missing; the tables work either way
    logins: list[dict[str, Any]] = []
    if args.demo:
        if database_is_empty():
            print("正在生成演示数据 …", file=sys.stderr)
            summary = demo_load()
            logins = summary["logins"]
        else:
            from rectify.demo.loader import demo_logins

            logins = demo_logins()
            if not logins:
                print("数据库中已有数据，未载入演示数据（演示数据只载入空数据库；可换一个 RECTIFY_HOME）。",
                      file=sys.stderr)
    url = f"http://{'127.0.0.1' if args.host in ('0.0.0.0', '::') else args.host}:{args.port}/"
    print(f"\n整改通 Rectify 已启动：{url}")
    if logins:
        print("演示账号：")
        for login in logins:
            print(f"  {login['username']:<14} {login['password']:<16} {login['role_label']}"
                  f"{'（' + login['unit_name'] + '）' if login.get('unit_name') else ''}")
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        from django.conf import settings

        print(f"允许访问的主机名（RECTIFY_ALLOWED_HOSTS）：{'、'.join(settings.ALLOWED_HOSTS)}。"
              "从其他计算机访问时，请把服务器的地址或域名加入该变量。")
    print("按 Ctrl+C 停止。\n", flush=True)
    from rectify.core.server import WorkerSupervisor, run_gunicorn

    # Background work (ledger imports) runs in one worker process beside the web server, restarted when it
    # dies and stopped with the server.
    worker = WorkerSupervisor([sys.executable, "-m", "rectify.cli", "worker", "--parent", str(os.getpid())])
    worker.start()
    try:
        run_gunicorn(host=args.host, port=args.port, workers=args.workers or None)
    finally:
        worker.stop()  # a no-op in gunicorn's forked workers, which unwind through here when they exit
    return 0


def cmd_demo_data(args: argparse.Namespace) -> int:
    from rectify.demo.loader import database_is_empty, demo_load

    if not database_is_empty():
        return _fail("数据库中已有数据（巡视轮次或用户），演示数据只能载入空数据库（可换一个 RECTIFY_HOME）。")
    summary = demo_load()
    if args.json:
        out = {k: summary[k] for k in ("round", "units", "problems", "clues", "tasks")}
        out["logins"] = [{k: login[k] for k in ("username", "password", "role", "unit")} for login in summary["logins"]]
        print(json.dumps(out, ensure_ascii=False))
    else:
        print(f"已载入演示数据：轮次 {summary['round']}，{len(summary['units'])} 个单位，"
              f"{summary['problems']} 个问题，{summary['tasks']} 项任务，{summary['clues']} 件线索。")
        for login in summary["logins"]:
            print(f"  {login['username']:<14} {login['password']:<16} {login['role_label']}")
    return 0


def cmd_createuser(args: argparse.Namespace) -> int:
    from rectify.accounts.services import user_create
    from rectify.core.errors import DomainError

    try:
        user = user_create(actor=None, username=args.username, role=args.role, password=args.password,
                           unit_code=args.unit, display_name=args.display_name, email=args.email)
    except DomainError as error:
        return _fail(error.message)
    print(f"已创建用户 {user.username}（{user.get_role_display()}）")
    return 0


def _local_time(moment: Any) -> str:
    from rectify.core import clock

    return moment.astimezone(clock.SHANGHAI).strftime("%Y-%m-%d %H:%M") if moment else "-"


def cmd_token(args: argparse.Namespace) -> int:
    """Create (prints only the token on stdout, for scripts), --list or --revoke a user's API tokens."""
    from rectify.accounts import selectors
    from rectify.accounts.models import User
    from rectify.accounts.services import api_token_create, api_token_revoke, cli_operator
    from rectify.core.errors import DomainError

    user = User.objects.filter(username=args.username).first()
    if user is None:
        return _fail(f"用户“{args.username}”不存在。")
    if (args.list or args.revoke is not None) and (args.label or args.expires_days is not None):
        return _fail("--label 和 --expires-days 只用于生成令牌，不能与 --list 或 --revoke 同用。")
    try:
        if args.list:
            tokens = selectors.api_tokens_of(user=cli_operator(), owner=user)
            states = {"active": "有效", "expired": "已过期", "revoked": "已吊销"}
            print("\t".join(("编号", "前缀", "用途", "创建时间", "到期时间", "最近使用", "吊销时间", "状态")))
            for t in tokens:
                print("\t".join((str(t.pk), t.prefix, t.name or "-", _local_time(t.created_at), _local_time(t.expires_at),
                                 _local_time(t.last_used_at), _local_time(t.revoked_at), states[t.state])))
            if not tokens:
                print(f"（用户 {user.username} 没有接口令牌）", file=sys.stderr)
            return 0
        if args.revoke is not None:
            token = api_token_revoke(actor=None, user=user, token_id=args.revoke)
            print(f"已吊销用户 {user.username} 的令牌 {token.pk}（{token.prefix}…）。")
            return 0
        if not user.is_active:
            return _fail(f"用户“{args.username}”已停用，不能生成接口令牌。")
        print(api_token_create(actor=None, user=user, name=args.label, expires_days=args.expires_days))
    except DomainError as error:
        return _fail(error.message)
    return 0


def cmd_unlock(args: argparse.Namespace) -> int:
    from rectify.accounts.services import account_unlock, address_unlock
    from rectify.core.errors import DomainError

    if bool(args.username) == bool(args.address):
        return _fail("请给出要解锁的用户名，或用 --address 给出客户端地址（二者选一）。")
    try:
        if args.address:
            cleared = address_unlock(actor=None, ip_address=args.address)
            print(f"已解除地址 {args.address} 的登录限制（清除 {cleared} 条失败记录）。")
        else:
            cleared = account_unlock(actor=None, username=args.username)
            print(f"已解锁账号 {args.username}（清除 {cleared} 条失败记录）。")
    except DomainError as error:
        return _fail(error.message)
    return 0


class _ProgressBar:
    """A one-line progress bar on stderr, drawn only when stderr is a terminal."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self.last = -1

    def __call__(self, percent: int, phase: str) -> None:
        if not self.enabled or percent == self.last:
            return
        self.last = percent
        filled = percent * 30 // 100
        sys.stderr.write(f"\r{phase:<8} [{'#' * filled}{'.' * (30 - filled)}] {percent:3d}%")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled and self.last >= 0:
            sys.stderr.write("\n")


def cmd_import_ledger(args: argparse.Namespace) -> int:
    from rectify.core.errors import DomainError
    from rectify.ledger.parsing import LedgerFileError
    from rectify.ledger.services import ledger_import

    path = Path(args.file)

    def failed(message: str) -> int:
        if args.json:  # still exactly one JSON object, in the report's shape
            empty = dict.fromkeys(("new", "changed", "unchanged", "missing"), 0)
            print(json.dumps({"problems": empty, "tasks": dict(empty), "skipped_sheets": [], "notices": [],
                              "committed": False,
                              "errors": [{"sheet": None, "row": None, "column": None, "message": message}]},
                             ensure_ascii=False))
            return 2
        return _fail(message)

    if not path.is_file():
        return failed(f"找不到文件 {path}")
    bar = _ProgressBar()
    try:
        report = ledger_import(actor=None, data=path.read_bytes(), filename=path.name, round_code=args.round_code,
                               unit_code=args.unit_code, unit_name=args.unit_name, dry_run=args.dry_run,
                               password=args.password, progress=bar)
    except (LedgerFileError, DomainError) as error:
        bar.close()
        return failed(getattr(error, "message", None) or str(error))
    bar.close()
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False))
        return 2 if report.errors else 0
    _print_report(report, dry_run=args.dry_run)
    return 2 if report.errors else 0


def _print_report(report: Any, *, dry_run: bool) -> None:
    states = (("new", "新增"), ("changed", "变更"), ("unchanged", "未变"), ("missing", "文件中缺少"))
    for label, counts in (("问题", report.problems), ("措施", report.tasks)):
        print(f"{label}：" + "，".join(f"{name} {counts[key]}" for key, name in states))
    for notice in report.notices:
        print(f"提示：{notice}")
    if report.skipped_sheets:
        print("已跳过（不像台账的工作表）：" + "、".join(report.skipped_sheets))
    shown = [c for c in report.changes if c.state == "changed"][:30]
    for change in shown:
        print(f"  {change.key}（{change.sheet} 第{change.row}行）：" +
              "；".join(f"{f.label} “{f.before[:30]}” → “{f.after[:30]}”" for f in change.fields))
    if report.errors:
        print(f"\n发现 {len(report.errors)} 处错误，未写入任何数据。请修改后重新导入：", file=sys.stderr)
        for e in report.errors:
            where = "、".join(x for x in (e.sheet, f"第{e.row}行" if e.row else "", f"{e.column}列" if e.column else "") if x)
            print(f"  [{where}] {e.message}", file=sys.stderr)
    elif dry_run:
        print("\n试运行：未写入任何数据。去掉 --dry-run 即按以上差异写入。")
    else:
        print("\n已写入。")


def cmd_import_people(args: argparse.Namespace) -> int:
    from rectify.core.errors import DomainError
    from rectify.ledger.parsing import LedgerFileError
    from rectify.ledger.roster import roster_import

    path = Path(args.file)

    def failed(message: str) -> int:
        if args.json:  # still exactly one JSON object, in the report's shape
            empty = dict.fromkeys(("new", "changed", "unchanged"), 0)
            print(json.dumps({"people": empty, "tenures": dict(empty), "notices": [], "changes": [],
                              "committed": False, "unit": args.unit_code,
                              "errors": [{"sheet": None, "row": None, "column": None, "message": message}]},
                             ensure_ascii=False))
            return 2
        return _fail(message)

    if not path.is_file():
        return failed(f"找不到文件 {path}")
    try:
        result = roster_import(actor=None, data=path.read_bytes(), filename=path.name, unit_code=args.unit_code,
                               dry_run=args.dry_run, password=args.password)
    except (LedgerFileError, DomainError) as error:
        return failed(getattr(error, "message", None) or str(error))
    if args.json:
        print(json.dumps({**result.as_json(), "unit": args.unit_code}, ensure_ascii=False))
        return 2 if result.errors else 0
    states = (("new", "新增"), ("changed", "变更"), ("unchanged", "未变"))
    for label, counts in (("人员", result.people), ("任职经历", result.tenures)):
        print(f"{label}：" + "，".join(f"{name} {counts[key]}" for key, name in states))
    for notice in result.notices:
        print(f"提示：{notice}")
    for change in result.changes[:50]:
        state = "新增" if change.state == "new" else "变更"
        print(f"  [{state}] {change.key}（{change.sheet} 第{change.row}行）：" +
              "；".join(f"{f['label']} “{f['before']}” → “{f['after']}”" if f["before"] else f"{f['label']} {f['after']}"
                       for f in change.fields))
    if result.errors:
        print(f"\n发现 {len(result.errors)} 处错误，未写入任何数据。请修改后重新导入：", file=sys.stderr)
        for e in result.errors:
            where = "、".join(x for x in (e.sheet, f"第{e.row}行" if e.row else "", f"{e.column}列" if e.column else "") if x)
            print(f"  [{where}] {e.message}", file=sys.stderr)
        return 2
    print("\n试运行：未写入任何数据。去掉 --dry-run 即按以上差异写入。" if args.dry_run else "\n已写入。")
    return 0


def _case_paths(raw: list[str]) -> list[Path]:
    """Files as given; a directory stands for its files (sorted, hidden ones skipped)."""
    out: list[Path] = []
    for item in raw:
        path = Path(item)
        if path.is_dir():
            out.extend(sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith(".")))
        else:
            out.append(path)
    return out


def cmd_import_cases(args: argparse.Namespace) -> int:
    from rectify.cases.api import document_json
    from rectify.cases.reading import CaseFileError
    from rectify.cases.services import document_import
    from rectify.core.errors import DomainError

    documents: list[dict[str, Any]] = []
    errors: list[dict[str, str]] = []
    created = duplicates = updated = 0
    for path in _case_paths(args.paths):
        try:
            if not path.is_file():
                raise CaseFileError(f"找不到文件 {path}")
            imported = document_import(actor=None, data=path.read_bytes(), filename=path.name)
        except (CaseFileError, DomainError, OSError) as error:
            errors.append({"path": str(path), "message": getattr(error, "message", None) or str(error)})
            continue
        documents.append(document_json(imported.document, duplicate=imported.duplicate))
        if imported.duplicate:
            duplicates += 1
        elif imported.updated:
            updated += 1
        else:
            created += 1
    if args.json:
        print(json.dumps({"documents": documents, "created": created, "duplicates": duplicates,
                          "errors": errors}, ensure_ascii=False))
    else:
        for doc in documents:
            state = "重复，未再导入" if doc["duplicate"] else "已导入"
            print(f"[{state}] {doc['date'] or '----------'} {doc['title']}（{len(doc['paragraphs'])} 段，"
                  f"{len(doc['facts'])} 项数据）")
        print(f"新增 {created} 篇，更新 {updated} 篇，重复 {duplicates} 篇，失败 {len(errors)} 个。")
        for e in errors:
            print(f"  {e['path']}：{e['message']}", file=sys.stderr)
    return 2 if errors else 0


def cmd_export_ledger(args: argparse.Namespace) -> int:
    from rectify.accounts.services import cli_operator
    from rectify.core.errors import DomainError
    from rectify.ledger.export import ledger_export

    try:
        data = ledger_export(user=cli_operator(), round_code=args.round_code, unit_code=args.unit_code)
    except DomainError as error:
        return _fail(error.message)
    Path(args.output).write_bytes(data)
    print(f"已导出 {args.output}（{len(data) // 1024} KB）")
    return 0


# --- rounds ---------------------------------------------------------------------------

def _round_failed(args: argparse.Namespace, message: str, code: str = "invalid", field: str | None = None) -> int:
    """The error on stderr; with --json also as the one JSON object on stdout: {"error", "code", "field"}."""
    if args.json:
        print(json.dumps({"error": message, "code": code, "field": field}, ensure_ascii=False))
    return _fail(message)


def _cli_date(text: str | None, field: str) -> Any:
    import datetime as dt

    from rectify.core.errors import DomainError

    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise DomainError(f"日期“{text}”不正确，请按 YYYY-MM-DD 填写。", code="bad_date",
                          details={"field": field}) from None


def _round_error(args: argparse.Namespace, error: Any) -> int:
    field = error.details.get("field") if isinstance(error.details, dict) else None
    return _round_failed(args, error.message, error.code, field)


def cmd_round(args: argparse.Namespace) -> int:
    from rectify.accounts.services import cli_operator
    from rectify.core.errors import DomainError
    from rectify.inspections import selectors, services

    try:
        if args.round_command == "create":
            look_back = None
            if args.look_back_of:
                look_back = selectors.round_get_for(user=cli_operator(), code=args.look_back_of)
            rnd = services.round_create(actor=None, code=args.code, name=args.name, kind=args.kind,
                                        level=args.level, start_date=_cli_date(args.start, "start"),
                                        end_date=_cli_date(args.end, "end"), look_back_of=look_back)
            out = {"code": rnd.code, "name": rnd.name, "kind": rnd.kind, "level": rnd.level,
                   "start": rnd.start_date.isoformat(), "end": rnd.end_date.isoformat() if rnd.end_date else None,
                   "look_back_of": look_back.code if look_back else None}
            text = f"已新建巡视轮次 {rnd.code}（{rnd.name}）"
        else:
            rnd = selectors.round_get_for(user=cli_operator(), code=args.round_code)
            inspected, unit_created, team_created = services.inspected_unit_add_by_code(
                actor=None, round=rnd, unit_code=args.unit_code, unit_name=args.unit_name,
                parent_code=args.parent, kind=args.kind, feedback_date=_cli_date(args.feedback_date, "feedback_date"),
                team_name=args.team)
            out = {"round": rnd.code, "unit": inspected.unit.code, "unit_name": inspected.unit.name,
                   "team": inspected.team.name if inspected.team_id else None,
                   "feedback_date": inspected.feedback_date.isoformat(),
                   "rectification_end": inspected.rectification_end.isoformat(),
                   "report_due": inspected.report_due.isoformat(),
                   "unit_created": unit_created, "team_created": team_created}
            text = (f"已将 {inspected.unit.name}（{inspected.unit.code}）加入 {rnd.code}："
                    f"集中整改期至 {out['rectification_end']}，整改报告期限 {out['report_due']}")
            if unit_created:
                text += "（新建单位）"
            if team_created:
                text += f"（新建巡视组 {out['team']}）"
    except DomainError as error:
        return _round_error(args, error)
    print(json.dumps(out, ensure_ascii=False) if args.json else text)
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    import threading

    from django.core.management import call_command

    from rectify.ledger.jobs import start_recovery
    from rectify.notifications.schedule import start_daily_notify

    # Beside django-tasks' worker loop: take back the jobs of workers that died (expired leases), now and
    # periodically, and — when serve started us — stop when serve is gone; and send the notifications daily.
    stop = threading.Event()
    start_recovery(stop, parent_pid=args.parent)
    start_daily_notify(stop)
    try:
        call_command("db_worker", queue_name="*", interval=1, reload=False)
    finally:
        stop.set()
    return 0


def cmd_notify(args: argparse.Namespace) -> int:
    from rectify.notifications.services import notify_run

    result = notify_run()
    if args.json:
        print(json.dumps(result.as_json()))
        return 0
    print(f"新通知事项 {result.alerts} 个，站内通知 {result.notifications} 条，邮件 {result.emails} 封"
          f"{f'（失败 {result.email_failures} 封）' if result.email_failures else ''}，"
          f"群机器人推送 {result.webhooks} 次{f'（失败 {result.webhook_failures} 次）' if result.webhook_failures else ''}。")
    return 0


def cmd_webhook(args: argparse.Namespace) -> int:
    from rectify.core.errors import DomainError
    from rectify.notifications.services import webhook_add

    secret = ""
    if args.secret_file:
        try:
            secret = Path(args.secret_file).read_text(encoding="utf-8").strip()
        except OSError as error:
            return _fail(f"无法读取加签密钥文件：{error}")
    try:
        hook = webhook_add(actor=None, url=args.url, kind=args.kind, round_code=args.round_code,
                           unit_code=args.unit_code, secret=secret)
    except DomainError as error:
        return _fail(error.message)
    print(f"已添加群机器人 #{hook.pk}（{hook.get_kind_display()}）：{hook.url}")
    return 0


def cmd_verify_rollups(args: argparse.Namespace) -> int:
    from rectify.rectification import rollups

    difference = rollups.verify()
    if difference:
        print(f"统计汇总与源数据不一致：{difference}。可运行 rectify rebuild-rollups 重新生成。", file=sys.stderr)
        return 1
    print("统计汇总与源数据一致。")
    return 0


def cmd_rebuild_rollups(args: argparse.Namespace) -> int:
    from rectify.rectification import rollups

    counts = rollups.rebuild()
    print(f"已重新生成统计汇总：问题 {counts['problems']} 个，单位 {counts['units']} 个，日期计数 {counts['days']} 条。")
    return 0


def cmd_verify_audit(args: argparse.Namespace) -> int:
    from rectify.audit.services import audit_verify_chain

    checked, problem = audit_verify_chain()
    if problem:
        print(f"审计链校验失败（已校验 {checked} 条）：{problem}", file=sys.stderr)
        return 1
    print(f"审计链完整：共 {checked} 条事件。")
    return 0


def _ensure_browser() -> None:
    """Browser tests drive Debian's Chromium; install it (and CJK fonts) when missing and we may."""
    needed = [pkg for pkg, probe in (("chromium", "/usr/bin/chromium"),
                                      ("fonts-noto-cjk", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"))
              if not Path(probe).exists()]
    if not needed:
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise SystemExit(f"rectify: browser tests need Debian packages {' '.join(needed)}: "
                         f"sudo apt-get install -y {' '.join(needed)}")
    print(f"rectify: installing {' '.join(needed)} for the browser tests …", file=sys.stderr)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run(["apt-get", "install", "-y", "-qq", *needed], check=True, env=env,
                   stdout=subprocess.DEVNULL)


def cmd_test(args: argparse.Namespace) -> int:
    _ensure_browser()
    root = Path(__file__).resolve().parents[2]
    extra = [a for a in args.pytest_args if a != "--"]
    runs: list[tuple[str, dict[str, str]]] = []
    base_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    runs.append(("SQLite", base_env))
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        runs.append(("PostgreSQL", {**base_env, "DATABASE_URL": url}))
    elif url:
        return _fail(f"DATABASE_URL={url!r}: the test command runs on SQLite and, if asked, PostgreSQL only")
    lint = subprocess.run([sys.executable, "-m", "ruff", "check", "src", "tests", "bench"], cwd=root)
    if lint.returncode != 0:
        return _fail("ruff found problems (see above)", 1)
    # The dependency direction (pyproject.toml [tool.importlinter]): an upward import fails the run.
    layers = subprocess.run([sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
                             "sys.exit(lint_imports_command())", "--no-cache", "--no-logo"], cwd=root)
    if layers.returncode != 0:
        return _fail("an app imports an app above it (see the broken contracts above)", 1)
    for label, env in runs:
        print(f"\n=== test suite on {label} ===", flush=True)
        result = subprocess.run([sys.executable, "-m", "pytest", *extra], cwd=root, env=env)
        if result.returncode != 0:
            return _fail(f"tests failed on {label}", result.returncode or 1)
    return 0


COMMANDS = {
    "serve": cmd_serve,
    "demo-data": cmd_demo_data,
    "createuser": cmd_createuser,
    "token": cmd_token,
    "unlock": cmd_unlock,
    "import-ledger": cmd_import_ledger,
    "import-people": cmd_import_people,
    "export-ledger": cmd_export_ledger,
    "import-cases": cmd_import_cases,
    "round": cmd_round,
    "worker": cmd_worker,
    "verify-audit": cmd_verify_audit,
    "notify": cmd_notify,
    "webhook": cmd_webhook,
    "verify-rollups": cmd_verify_rollups,
    "rebuild-rollups": cmd_rebuild_rollups,
    "migrate": lambda args: 0,
    "test": cmd_test,
}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command != "test":
        _setup_django()
    return COMMANDS[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
