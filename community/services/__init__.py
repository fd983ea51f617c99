"""Community write paths, one module per section:

- `guards`      posting guards: mutes and the per-user rate limit (`user_check_can_post`)
- `reviews`     course reviews, instructor replies, the course rating
- `discussions` threads, replies, pin/lock, accepted answers, subscriptions
- `moderation`  flags, automatic hiding, moderators' hide / restore / dismiss / mute
- `tickets`     support tickets: status machine, replies, assignment, satisfaction, attachments
- `messages`    direct messages between students and their instructors
- `surveys`     answering surveys, the builder's audience check
- `privacy`     community's part of an account deletion

People are notified through `courseworx.core.notifications`.  Every function is keyword-only and
atomic.  Writes that need a permission split a check step (validation, permission, mutes, rate limit:
raises before anything changes) from the change itself.  Side effects (e-mails) go out through Celery
tasks enqueued on commit; enqueuing or sending never raises into the request that caused it.

Callers use `from community import services` and `services.<function>`: the public functions of every
module are re-exported here.  Reads are `community.selectors`.
"""

from .discussions import (
    reply_create,
    reply_notify_subscribers,
    thread_accept_answer,
    thread_create,
    thread_set_flags,
    thread_subscribe,
)
from .guards import mute_until, user_check_can_post, user_mute_create
from .messages import conversation_mark_read, conversation_start, message_send
from .moderation import (
    MODERATION_OUTCOMES,
    flag_create,
    moderation_dismiss,
    moderation_hide,
    moderation_mute,
    moderation_restore,
)
from .privacy import DELETED, personal_data_anonymise_for_user
from .reviews import review_rating_refresh, review_reply, review_save
from .surveys import survey_answer, survey_validate_audience
from .tickets import (
    ATTACHMENT_EXTENSIONS,
    IMAGE_EXTENSIONS,
    TICKET_TRANSITIONS,
    ticket_assign,
    ticket_attachment_check,
    ticket_check_reply,
    ticket_check_status,
    ticket_create,
    ticket_rate,
    ticket_reply,
    ticket_set_status,
)

__all__ = [
    "ATTACHMENT_EXTENSIONS",
    "DELETED",
    "IMAGE_EXTENSIONS",
    "MODERATION_OUTCOMES",
    "TICKET_TRANSITIONS",
    "conversation_mark_read",
    "conversation_start",
    "flag_create",
    "message_send",
    "moderation_dismiss",
    "moderation_hide",
    "moderation_mute",
    "moderation_restore",
    "mute_until",
    "personal_data_anonymise_for_user",
    "reply_create",
    "reply_notify_subscribers",
    "review_rating_refresh",
    "review_reply",
    "review_save",
    "survey_answer",
    "survey_validate_audience",
    "thread_accept_answer",
    "thread_create",
    "thread_set_flags",
    "thread_subscribe",
    "ticket_assign",
    "ticket_attachment_check",
    "ticket_check_reply",
    "ticket_check_status",
    "ticket_create",
    "ticket_rate",
    "ticket_reply",
    "ticket_set_status",
    "user_check_can_post",
    "user_mute_create",
]
