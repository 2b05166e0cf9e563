"""A small local fake of Discord's REST API and gateway, for driving an unmodified discord.py client.

The server listens on 127.0.0.1 (random port). Point discord.py at it by patching
``discord.http.Route.BASE`` to :attr:`FakeDiscord.api_base` and
``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY`` to :attr:`FakeDiscord.gateway_url`.

What it models:

* login: ``GET /users/@me`` (401 for a wrong token) and ``GET /oauth2/applications/@me``;
* the gateway: HELLO -> IDENTIFY -> READY -> GUILD_CREATE, heartbeats, zlib-stream compression
  (one ``Z_SYNC_FLUSH`` per message, as Discord does) when the client asks for it;
* threads started from a message (``THREAD_CREATE``; the thread's id is the message's) and
  fetching one of the bot's messages (``GET /channels/{id}/messages/{id}``);
* command sync (``PUT .../commands``), channel messages and typing, message edits and deletes,
  interaction callbacks (with the ``with_response`` body discord.py 2.5+ reads), modals, and
  webhook follow-ups -- including Discord's rule that the first follow-up after a "thinking"
  defer *replaces* the thinking message and keeps the defer's visibility (its own ``flags`` are
  ignored), and that ``@original`` of a button press is the message the button is on;
* faults: :meth:`FakeDiscord.fail` answers the next N matching requests with a 5xx.

Every REST request is recorded (method, path, query, JSON body). Unknown endpoints answer 404 with
a Discord-style error body and are also kept in :attr:`FakeDiscord.unexpected`, so a test notices
calls the fake does not model. Helpers build and dispatch ``MESSAGE_CREATE`` and
``INTERACTION_CREATE`` events the way Discord sends them.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSMsgType, web

TOKEN = "fake-token.for.tests"
APP_ID = 900000000000000001
BOT_ID = 900000000000000002
APP_OWNER_ID = 900000000000000003
GUILD_ID = 900000000000000010
CHANNEL_ID = 900000000000000011
ADMIN_ROLE_ID = 900000000000000012
ADMIN_ROLE = "Editors"

_WEBHOOK_MESSAGE = r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)/messages/(?P<message>@original|\d+)"
_PERMISSIONS_ALL = str((1 << 50) - 1)
_MANAGE_GUILD = 1 << 5


@dataclass(frozen=True, slots=True)
class Request:
    """One REST request the client made."""

    method: str
    path: str  # without the /api/v10 prefix
    query: dict[str, str]
    json: Any
    headers: dict[str, str] = field(repr=False)

    @property
    def flags(self) -> int:
        """The message flags sent (``data.flags`` for interaction callbacks)."""
        body = self.json if isinstance(self.json, dict) else {}
        data = body.get("data") if isinstance(body.get("data"), dict) else body
        return int(data.get("flags") or 0)

    @property
    def message(self) -> dict[str, Any]:
        """The message part of the body: ``data`` of an interaction callback, else the body itself."""
        body = self.json if isinstance(self.json, dict) else {}
        if self.path.endswith("/callback"):
            data = body.get("data")
            return data if isinstance(data, dict) else {}
        return body


@dataclass(slots=True)
class _Fault:
    method: str
    pattern: re.Pattern[str]
    status: int
    left: int


class Snowflakes:
    """Increasing ids, like Discord's."""

    def __init__(self, start: int = 1_100_000_000_000_000_000) -> None:
        self._counter = itertools.count(start)

    def __call__(self) -> int:
        return next(self._counter)


def user_payload(user_id: int, name: str, *, bot: bool = False) -> dict[str, Any]:
    """A user object as the API sends it."""
    return {
        "id": str(user_id), "username": name, "discriminator": "0", "global_name": name,
        "avatar": None, "bot": bot, "public_flags": 0, "flags": 0,
    }


def _json_response(payload: Any, status: int = 200) -> web.Response:
    # Exactly "application/json": discord.py treats "application/json; charset=utf-8" as text.
    return web.Response(status=status, body=json.dumps(payload).encode(),
                        headers={"Content-Type": "application/json"})


class FakeDiscord:
    """The fake server. ``await start()``, point discord.py at it, ``await close()`` at the end."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.ids = Snowflakes()
        self.requests: list[Request] = []
        self.unexpected: list[Request] = []
        self.identify: dict[str, Any] | None = None
        self.gateway_query: dict[str, str] = {}
        #: Intents the application may not use (not enabled in the Developer Portal): IDENTIFY
        #: with any of them is answered by closing the gateway with code 4014, as Discord does.
        self.disallowed_intents = 0
        self.commands: dict[str, list[dict[str, Any]]] = {}  # "global" or guild id -> synced payload
        self.messages: dict[int, dict[str, Any]] = {}  # messages the bot created, by id
        self.deleted: list[int] = []  # ids of messages deleted, in order
        self.threads: dict[int, dict[str, Any]] = {}  # threads created with create_thread, by id
        #: Per interaction token: the original response's message id, whether it is still a
        #: "thinking" placeholder, and the defer's flags.
        self.interactions: dict[str, dict[str, Any]] = {}
        self._faults: list[_Fault] = []
        self.bot_user = user_payload(BOT_ID, "Briefing", bot=True)
        self.owner = user_payload(APP_OWNER_ID, "owner")
        self._changed = asyncio.Condition()
        self._ws: web.WebSocketResponse | None = None
        self._compressor: Any = None
        self._seq = 0
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- lifecycle ---------------------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on a random local port."""
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def close(self) -> None:
        """Close the gateway connection and stop the server."""
        if self._ws is not None and not self._ws.closed:
            await self._ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        """The value for ``discord.http.Route.BASE``."""
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        """The value for ``DiscordWebSocket.DEFAULT_GATEWAY``."""
        return f"ws://127.0.0.1:{self.port}/gateway"

    # --- gateway -----------------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._ws = ws
        self.gateway_query = dict(request.query)
        self._compressor = zlib.compressobj() if request.query.get("compress") == "zlib-stream" else None
        await self._send({"op": 10, "d": {"heartbeat_interval": 41250}, "s": None, "t": None})
        async for msg in ws:
            if msg.type is not WSMsgType.TEXT:
                continue
            payload = json.loads(msg.data)
            op = payload.get("op")
            if op == 1:
                await self._send({"op": 11, "d": None, "s": None, "t": None})
            elif op == 2:
                self.identify = payload["d"]
                if self.identify.get("intents", 0) & self.disallowed_intents:
                    await ws.close(code=4014, message=b"Disallowed intent(s).")
                    break
                await self._ready()
        return ws

    async def _send(self, payload: dict[str, Any]) -> None:
        ws = self._ws
        if ws is None or ws.closed:
            raise RuntimeError("the client is not connected to the fake gateway")
        data = json.dumps(payload)
        if self._compressor is not None:
            compressed = self._compressor.compress(data.encode()) + self._compressor.flush(zlib.Z_SYNC_FLUSH)
            await ws.send_bytes(compressed)
        else:
            await ws.send_str(data)

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a gateway DISPATCH event to the client."""
        self._seq += 1
        await self._send({"op": 0, "t": event, "s": self._seq, "d": data})

    async def _ready(self) -> None:
        await self.dispatch("READY", {
            "v": 10,
            "user": self.bot_user,
            "guilds": [{"id": str(GUILD_ID), "unavailable": True}],
            "session_id": "fake-session",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(APP_ID), "flags": 0},
            "private_channels": [],
            "relationships": [],
        })
        await self.dispatch("GUILD_CREATE", self.guild_payload())

    def guild_payload(self) -> dict[str, Any]:
        """The test guild: one text channel (and the active threads), an @everyone role and the admin role."""
        now = datetime.now(UTC).isoformat()
        return {
            "id": str(GUILD_ID), "name": "Newsroom", "icon": None, "owner_id": str(APP_OWNER_ID),
            "unavailable": False, "member_count": 3, "large": False, "joined_at": now,
            "features": [], "emojis": [], "stickers": [], "voice_states": [], "presences": [],
            "threads": [{k: v for k, v in t.items() if k != "newly_created"} for t in self.threads.values()],
            "stage_instances": [], "guild_scheduled_events": [], "soundboard_sounds": [],
            "preferred_locale": "en-US", "premium_tier": 0, "mfa_level": 0, "nsfw_level": 0,
            "verification_level": 0, "explicit_content_filter": 0, "default_message_notifications": 0,
            "system_channel_flags": 0,
            "roles": [
                {"id": str(GUILD_ID), "name": "@everyone", "permissions": "1024", "position": 0,
                 "color": 0, "hoist": False, "managed": False, "mentionable": False, "flags": 0},
                {"id": str(ADMIN_ROLE_ID), "name": ADMIN_ROLE, "permissions": "1024", "position": 1,
                 "color": 0, "hoist": False, "managed": False, "mentionable": False, "flags": 0},
            ],
            "channels": [
                {"id": str(CHANNEL_ID), "type": 0, "name": "briefing", "position": 0,
                 "guild_id": str(GUILD_ID), "permission_overwrites": [], "nsfw": False, "topic": None},
            ],
            "members": [self.member_payload(BOT_ID, self.bot_user)],
        }

    @staticmethod
    def member_payload(user_id: int, user: dict[str, Any] | None = None, roles: tuple[int, ...] = (),
                       permissions: int | None = None) -> dict[str, Any]:
        """A guild member object (``user`` included when given)."""
        member: dict[str, Any] = {
            "roles": [str(r) for r in roles], "joined_at": datetime.now(UTC).isoformat(), "deaf": False,
            "mute": False, "flags": 0, "pending": False, "nick": None, "avatar": None,
        }
        if user is not None:
            member["user"] = user
        if permissions is not None:
            member["permissions"] = str(permissions)
        return member

    # --- events the tests send ---------------------------------------------------------------------

    def message_payload(
        self,
        content: str,
        *,
        author: dict[str, Any],
        channel_id: int = CHANNEL_ID,
        guild: bool = True,
        mentions: tuple[dict[str, Any], ...] = (),
        referenced: dict[str, Any] | None = None,
        message_id: int | None = None,
    ) -> dict[str, Any]:
        """A message object as MESSAGE_CREATE carries it."""
        data: dict[str, Any] = {
            "id": str(message_id or self.ids()), "channel_id": str(channel_id), "author": author,
            "content": content, "timestamp": datetime.now(UTC).isoformat(), "edited_timestamp": None,
            "tts": False, "mention_everyone": False, "mentions": list(mentions), "mention_roles": [],
            "attachments": [], "embeds": [], "pinned": False, "type": 0, "flags": 0, "components": [],
        }
        if guild:
            data["guild_id"] = str(GUILD_ID)
            data["member"] = self.member_payload(int(author["id"]))
        if referenced is not None:
            data["type"] = 19
            data["message_reference"] = {
                "type": 0, "message_id": referenced["id"], "channel_id": referenced["channel_id"],
                **({"guild_id": str(GUILD_ID)} if guild else {}),
            }
            data["referenced_message"] = referenced
        return data

    async def send_message(self, content: str, *, author: dict[str, Any], mention_bot: bool = False,
                           **options: Any) -> dict[str, Any]:
        """Dispatch MESSAGE_CREATE; with ``mention_bot`` the content starts with the bot's mention."""
        mentions: tuple[dict[str, Any], ...] = options.pop("mentions", ())
        if mention_bot:
            content = f"<@{BOT_ID}> {content}"
            mentions = (*mentions, self.bot_user)
        data = self.message_payload(content, author=author, mentions=mentions, **options)
        await self.dispatch("MESSAGE_CREATE", data)
        return data

    def interaction_payload(
        self,
        kind: int,
        data: dict[str, Any],
        *,
        user: dict[str, Any],
        roles: tuple[int, ...] = (),
        permissions: int = 1024,
        message: dict[str, Any] | None = None,
        locale: str = "en-US",
    ) -> dict[str, Any]:
        """An interaction object from a member of the test guild (``locale`` is the user's client language)."""
        payload: dict[str, Any] = {
            "id": str(self.ids()), "application_id": str(APP_ID), "type": kind, "data": data,
            "guild_id": str(GUILD_ID), "channel_id": str(CHANNEL_ID),
            "channel": {"id": str(CHANNEL_ID), "type": 0, "name": "briefing", "guild_id": str(GUILD_ID),
                        "position": 0, "permission_overwrites": [], "nsfw": False},
            "guild": {"id": str(GUILD_ID), "locale": "en-US", "features": []},
            "member": self.member_payload(int(user["id"]), user, roles, permissions),
            "token": f"itoken-{self.ids()}", "version": 1, "locale": locale, "guild_locale": "en-US",
            "app_permissions": _PERMISSIONS_ALL, "entitlements": [], "entitlement_sku_ids": [],
            "authorizing_integration_owners": {"0": str(GUILD_ID)}, "context": 0,
            "attachment_size_limit": 26_214_400,
        }
        if message is not None:
            payload["message"] = message
        self.interactions[payload["token"]] = {
            "original": int(message["id"]) if message is not None else None, "thinking": False, "flags": 0,
        }
        return payload

    def command_data(self, name: str, options: dict[str, Any] | None = None,
                     focused: str | None = None) -> dict[str, Any]:
        """The ``data`` of an application command interaction, using the id the command was synced with."""
        synced = self.commands.get(str(GUILD_ID), []) + self.commands.get("global", [])
        command = next((c for c in synced if c["name"] == name), None)
        if command is None:
            raise KeyError(f"/{name} was never synced to the fake server")
        return {
            "id": command["id"], "name": name, "type": 1, "guild_id": str(GUILD_ID),
            "options": [
                {"name": key, "type": 3, "value": value, **({"focused": True} if key == focused else {})}
                for key, value in (options or {}).items()
            ],
        }

    async def slash(self, name: str, options: dict[str, Any] | None = None, *, user: dict[str, Any],
                    **member: Any) -> dict[str, Any]:
        """Dispatch a slash command invocation (interaction type 2)."""
        payload = self.interaction_payload(2, self.command_data(name, options), user=user, **member)
        await self.dispatch("INTERACTION_CREATE", payload)
        return payload

    async def autocomplete(self, name: str, options: dict[str, Any], focused: str, *,
                           user: dict[str, Any]) -> dict[str, Any]:
        """Dispatch an autocomplete request (interaction type 4) for option ``focused``."""
        payload = self.interaction_payload(4, self.command_data(name, options, focused), user=user)
        await self.dispatch("INTERACTION_CREATE", payload)
        return payload

    async def press(self, message: dict[str, Any], custom_id: str, *, user: dict[str, Any],
                    values: list[str] | None = None, **member: Any) -> dict[str, Any]:
        """Dispatch a button press (or, with ``values``, a select-menu pick) on a message the bot sent."""
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": 2}
        if values is not None:
            data = {"custom_id": custom_id, "component_type": 3, "values": values}
        payload = self.interaction_payload(3, data, user=user, message=message, **member)
        await self.dispatch("INTERACTION_CREATE", payload)
        return payload

    async def submit_modal(self, message: dict[str, Any], modal: dict[str, Any], values: dict[str, str], *,
                           user: dict[str, Any], **member: Any) -> dict[str, Any]:
        """Dispatch the submission (interaction type 5) of ``modal`` (the modal callback's data), opened
        from a button on ``message``; ``values`` maps text input custom ids to what was typed."""
        components = []
        for row in modal["components"]:
            inner = row.get("component") or row["components"][0]
            submitted = {"type": inner["type"], "custom_id": inner["custom_id"],
                         "value": values.get(inner["custom_id"], "")}
            components.append({"type": 18, "component": submitted} if row["type"] == 18 else
                              {"type": 1, "components": [submitted]})
        data = {"custom_id": modal["custom_id"], "components": components}
        payload = self.interaction_payload(5, data, user=user, message=message, **member)
        await self.dispatch("INTERACTION_CREATE", payload)
        return payload

    def message(self, message_id: int | str) -> dict[str, Any]:
        """A message the bot sent, as it is now."""
        return self.messages[int(message_id)]

    async def create_thread(self, starter: dict[str, Any], *, owner: dict[str, Any],
                            name: str = "follow-up") -> dict[str, Any]:
        """Dispatch THREAD_CREATE for a public thread started from message ``starter`` (its id is the thread's)."""
        now = datetime.now(UTC).isoformat()
        thread = {
            "id": str(starter["id"]), "guild_id": str(GUILD_ID), "parent_id": str(starter["channel_id"]),
            "owner_id": str(owner["id"]), "type": 11, "name": name, "last_message_id": None,
            "rate_limit_per_user": 0, "message_count": 0, "member_count": 1, "flags": 0,
            "thread_metadata": {"archived": False, "auto_archive_duration": 1440, "archive_timestamp": now,
                                "locked": False, "create_timestamp": now},
            "newly_created": True,
        }
        self.threads[int(thread["id"])] = thread
        await self.dispatch("THREAD_CREATE", thread)
        return thread

    # --- faults ------------------------------------------------------------------------------------

    def fail(self, method: str, path: str, *, status: int = 500, times: int = 1) -> None:
        """Answer the next ``times`` requests ``method`` ``path`` (a regular expression over the path
        without ``/api/v10``) with ``status`` and a Discord-style error body."""
        self._faults.append(_Fault(method, re.compile(path + r"$"), status, times))

    def heal(self) -> None:
        """Forget the faults not yet used up: Discord works again."""
        self._faults.clear()

    def _fault_for(self, method: str, path: str) -> _Fault | None:
        for fault in self._faults:
            if fault.left > 0 and fault.method == method and fault.pattern.match(path):
                fault.left -= 1
                return fault
        return None

    # --- REST --------------------------------------------------------------------------------------

    _ROUTES: tuple[tuple[str, re.Pattern[str], str], ...] = tuple(
        (method, re.compile(pattern + r"$"), handler)
        for method, pattern, handler in (
            ("GET", r"/users/@me", "_me"),
            ("GET", r"/oauth2/applications/@me", "_application"),
            ("PUT", r"/applications/(?P<app>\d+)/guilds/(?P<guild>\d+)/commands", "_sync"),
            ("PUT", r"/applications/(?P<app>\d+)/commands", "_sync"),
            ("POST", r"/channels/(?P<channel>\d+)/typing", "_typing"),
            ("POST", r"/channels/(?P<channel>\d+)/messages", "_create_message"),
            ("GET", r"/channels/(?P<channel>\d+)/messages/(?P<message>\d+)", "_fetch_message"),
            ("PATCH", r"/channels/(?P<channel>\d+)/messages/(?P<message>\d+)", "_edit_message"),
            ("DELETE", r"/channels/(?P<channel>\d+)/messages/(?P<message>\d+)", "_delete_message"),
            ("POST", r"/interactions/(?P<interaction>\d+)/(?P<token>[^/]+)/callback", "_callback"),
            ("POST", r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)", "_followup"),
            ("PATCH", _WEBHOOK_MESSAGE, "_edit_webhook_message"),
            ("DELETE", _WEBHOOK_MESSAGE, "_delete_webhook_message"),
            ("GET", _WEBHOOK_MESSAGE, "_get_message"),
        )
    )

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body: Any = None
        if request.can_read_body:
            raw = await request.read()
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode(errors="replace")
        recorded = Request(request.method, path, dict(request.query), body, dict(request.headers))
        async with self._changed:
            self.requests.append(recorded)
            self._changed.notify_all()
        fault = self._fault_for(request.method, path)
        if fault is not None:
            return _json_response({"message": f"{fault.status}: Server Error", "code": 0}, status=fault.status)
        if request.headers.get("Authorization") != f"Bot {self.token}" and not path.startswith(
            ("/webhooks/", "/interactions/")
        ):
            return _json_response({"message": "401: Unauthorized", "code": 0}, status=401)
        for method, pattern, handler in self._ROUTES:
            match = pattern.match(path)
            if method == request.method and match:
                return await getattr(self, handler)(recorded, **match.groupdict())
        self.unexpected.append(recorded)
        return _json_response({"message": f"Unknown route {request.method} {path}", "code": 0}, status=404)

    async def _me(self, request: Request) -> web.Response:
        return _json_response(self.bot_user)

    async def _application(self, request: Request) -> web.Response:
        return _json_response({
            "id": str(APP_ID), "name": "Briefing", "icon": None, "description": "", "rpc_origins": [],
            "bot_public": True, "bot_require_code_grant": False, "owner": self.owner, "summary": "",
            "verify_key": "0" * 64, "team": None, "flags": 0, "bot": self.bot_user,
            "interactions_endpoint_url": None, "redirect_uris": [], "tags": [],
        })

    async def _sync(self, request: Request, app: str, guild: str | None = None) -> web.Response:
        synced = []
        for command in request.json or []:
            synced.append({
                **command, "id": str(self.ids()), "application_id": app, "version": str(self.ids()),
                **({"guild_id": guild} if guild else {}),
            })
        self.commands[guild or "global"] = synced
        return _json_response(synced)

    async def _typing(self, request: Request, channel: str) -> web.Response:
        return web.Response(status=204)

    def _bot_message(self, body: dict[str, Any], channel_id: str, **extra: Any) -> dict[str, Any]:
        message = {
            "id": str(self.ids()), "channel_id": channel_id, "author": self.bot_user,
            "content": body.get("content") or "", "timestamp": datetime.now(UTC).isoformat(),
            "edited_timestamp": None, "tts": False, "mention_everyone": False, "mentions": [],
            "mention_roles": [], "attachments": [], "embeds": body.get("embeds") or [], "pinned": False,
            "type": 19 if body.get("message_reference") else 0, "flags": body.get("flags") or 0,
            "components": body.get("components") or [], **extra,
        }
        self.messages[int(message["id"])] = message
        return message

    async def _create_message(self, request: Request, channel: str) -> web.Response:
        extra = {"guild_id": str(GUILD_ID)} if int(channel) == CHANNEL_ID or int(channel) in self.threads else {}
        return _json_response(self._bot_message(request.json or {}, channel, **extra))

    async def _fetch_message(self, request: Request, channel: str, message: str) -> web.Response:
        found = self.messages.get(int(message))
        if found is None or found["channel_id"] != channel:
            return _json_response({"message": "Unknown Message", "code": 10008}, status=404)
        return _json_response(found)

    async def _edit_message(self, request: Request, message: str, channel: str = str(CHANNEL_ID),
                            **_: str) -> web.Response:
        previous = self.messages.get(int(message)) if message.isdigit() else None
        body = {**(previous or {}), **(request.json or {})}
        edited = self._bot_message(body, channel)
        if previous is not None:
            self.messages.pop(int(edited["id"]))
            edited["id"] = previous["id"]
            self.messages[int(previous["id"])] = edited
        return _json_response(edited)

    async def _get_message(self, request: Request, message: str, token: str = "", **_: str) -> web.Response:
        target = self._webhook_target(token, message)
        if target is not None and target in self.messages:
            return _json_response(self.messages[target])
        return _json_response(self._bot_message({}, str(CHANNEL_ID)))

    def _webhook_target(self, token: str, message: str) -> int | None:
        """The message a webhook route means: an id, or the interaction's ``@original``."""
        if message != "@original":
            return int(message)
        state = self.interactions.get(token)
        return state["original"] if state else None

    def _answered_webhook_message(self, token: str, message: str) -> int | None:
        """The existing message a webhook edit or delete means (None: unknown); touching the
        interaction's ``@original`` ends its "thinking" state."""
        target = self._webhook_target(token, message)
        if target is None or target not in self.messages:
            return None
        state = self.interactions.get(token)
        if state is not None and message == "@original":
            state["thinking"] = False
        return target

    async def _edit_webhook_message(self, request: Request, app: str, token: str, message: str) -> web.Response:
        target = self._answered_webhook_message(token, message)
        if target is None:
            return _json_response({"message": "Unknown Message", "code": 10008}, status=404)
        return await self._edit_message(request, str(target))

    async def _delete_message(self, request: Request, channel: str, message: str) -> web.Response:
        if int(message) not in self.messages:
            return _json_response({"message": "Unknown Message", "code": 10008}, status=404)
        self.messages.pop(int(message))
        self.deleted.append(int(message))
        return web.Response(status=204)

    async def _delete_webhook_message(self, request: Request, app: str, token: str, message: str) -> web.Response:
        target = self._answered_webhook_message(token, message)
        if target is None:
            return _json_response({"message": "Unknown Message", "code": 10008}, status=404)
        self.messages.pop(target)
        self.deleted.append(target)
        return web.Response(status=204)

    async def _callback(self, request: Request, interaction: str, token: str) -> web.Response:
        body = request.json or {}
        kind = int(body.get("type", 0))
        data = body.get("data") or {}
        state = self.interactions.setdefault(token, {"original": None, "thinking": False, "flags": 0})
        result: dict[str, Any] = {"interaction": {"id": interaction, "type": 2}}
        if kind in (4, 5):  # a new message (5: "thinking…" until the first follow-up or edit)
            message = self._bot_message(data, str(CHANNEL_ID), guild_id=str(GUILD_ID))
            state.update(original=int(message["id"]), thinking=kind == 5, flags=int(data.get("flags") or 0))
            result["interaction"].update({
                "response_message_id": message["id"], "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(int(data.get("flags") or 0) & 64),
            })
            result["resource"] = {"type": kind, "message": message}
        elif kind == 7 and state["original"] in self.messages:  # update the message the component is on
            original = self.messages[state["original"]]
            message = self._bot_message({**original, **data, "flags": original.get("flags", 0)}, str(CHANNEL_ID))
            self.messages.pop(int(message["id"]))
            message["id"] = original["id"]
            self.messages[int(original["id"])] = message
            result["resource"] = {"type": kind, "message": message}
        else:  # 6: deferred update, 8: autocomplete, 9: modal
            result["resource"] = {"type": kind}
        return _json_response(result)

    async def _followup(self, request: Request, app: str, token: str) -> web.Response:
        body = request.json or {}
        state = self.interactions.get(token)
        if state is not None and state["thinking"] and state["original"] in self.messages:
            # The first follow-up after a defer replaces the thinking message, with the defer's flags.
            state["thinking"] = False
            original = self.messages[state["original"]]
            message = self._bot_message({**body, "flags": state["flags"]}, str(CHANNEL_ID), webhook_id=app,
                                        guild_id=str(GUILD_ID))
            self.messages.pop(int(message["id"]))
            message["id"] = original["id"]
            self.messages[int(original["id"])] = message
        else:
            message = self._bot_message(body, str(CHANNEL_ID), webhook_id=app, guild_id=str(GUILD_ID))
        if request.query.get("wait") in ("true", "1", "True"):
            return _json_response(message)
        return web.Response(status=204)

    # --- assertions --------------------------------------------------------------------------------

    def mark(self) -> int:
        """The number of requests so far; pass it as ``since`` to look only at later ones."""
        return len(self.requests)

    def find(self, predicate: Callable[[Request], bool], since: int = 0) -> list[Request]:
        """Recorded requests (from index ``since``) matching ``predicate``."""
        return [r for r in self.requests[since:] if predicate(r)]

    async def wait_for_request(self, predicate: Callable[[Request], bool], timeout: float = 15.0,
                               since: int = 0) -> Request:
        """The first request (from index ``since``) matching ``predicate``, waiting up to ``timeout`` s."""

        def found() -> Request | None:
            return next(iter(self.find(predicate, since)), None)

        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(lambda: found() is not None), timeout)
            except TimeoutError:
                seen = "\n".join(f"  {r.method} {r.path} {str(r.json)[:200]}" for r in self.requests[since:])
                problem = f"no matching request within {timeout} s; requests seen:\n{seen}"
                raise AssertionError(problem) from None
        result = found()
        assert result is not None
        return result

    async def wait_for_requests(self, predicate: Callable[[Request], bool], count: int, timeout: float = 15.0,
                                since: int = 0) -> list[Request]:
        """At least ``count`` matching requests (from ``since``), waiting up to ``timeout`` s."""
        async with self._changed:
            try:
                await asyncio.wait_for(
                    self._changed.wait_for(lambda: len(self.find(predicate, since)) >= count), timeout
                )
            except TimeoutError:
                got = len(self.find(predicate, since))
                problem = f"expected {count} matching requests, got {got} within {timeout} s"
                raise AssertionError(problem) from None
        return self.find(predicate, since)
