"""`oversight api_token create USERNAME` prints a new personal API token once; `list` and `revoke`."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from oversight.accounts.models import Account
from oversight.api.models import ApiToken
from oversight.api.services import api_token_create, api_token_revoke
from oversight.cli.common import bad_input

ACTOR = "command line: oversight api_token"


class Command(BaseCommand):
    help = "Personal API tokens: create (prints the token once), list, revoke."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="make a token for a user and print it (once)")
        create.add_argument("username")
        create.add_argument("--label", default="", help="what the token is for")
        listing = sub.add_parser("list", help="a user's tokens (never the secrets)")
        listing.add_argument("username")
        revoke = sub.add_parser("revoke", help="revoke a token by the prefix `list` shows")
        revoke.add_argument("prefix")

    def handle(self, *args, **options):
        action = options["action"]
        if action == "revoke":
            tokens = list(ApiToken.objects.filter(prefix=options["prefix"].rstrip("…").rstrip(".")))
            if len(tokens) != 1:
                raise bad_input(f"no single token starts with {options['prefix']!r}: see 'oversight api_token list USER'")
            try:
                api_token_revoke(token=tokens[0], actor=ACTOR)
            except ValidationError as error:
                raise bad_input("; ".join(error.messages)) from None
            self.stdout.write(f"Token {tokens[0].prefix}… revoked.")
            return
        account = Account.objects.select_related("user", "service").filter(
            user__username=options["username"]).first()
        if account is None:
            raise bad_input(f"no account with user name {options['username']!r}")
        if action == "create":
            token, secret = api_token_create(owner=account, label=options["label"], actor=ACTOR)
            self.stderr.write(
                f"API token for {account.user.get_username()} ({account.service.ref}). It is shown only now: "
                "keep it secret, send it as 'Authorization: Bearer TOKEN'."
            )
            self.stdout.write(secret)
            return
        for token in account.api_tokens.all():
            state = f"revoked {token.revoked:%Y-%m-%d}" if token.revoked else "active"
            used = f"last used {token.last_used:%Y-%m-%d %H:%M}" if token.last_used else "never used"
            self.stdout.write(f"{token.prefix}…  made {token.created:%Y-%m-%d}  {used}  {state}  {token.label}")
