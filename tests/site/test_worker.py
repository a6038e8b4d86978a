"""Issue 22, part 5: a task whose worker died is run again, and its effect happens once.

In process: the heartbeat rows, `recover_interrupted` and the mail's own state, with
the clock moved by time-machine. The same with real processes (a worker killed with
SIGKILL in the middle of an SMTP conversation) is in tests/site/test_crashes.py.
"""

import datetime as dt
import time

import pytest
import time_machine
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from suunta.mail import services as mail
from suunta.mail.models import MailStatus
from suunta.site import worker
from suunta.site.models import WorkerBeat
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def run_the_worker(worker_id: str = "live-worker") -> None:
    """What `manage.py run_worker` does with each task that is due: claim it and run it."""
    runner = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    for result in DBTaskResult.objects.ready():
        result.claim(worker_id)
        runner.run_task(result)


def a_mail_being_sent_by(worker_id: str, to: str):
    """A password-reset mail whose task `worker_id` claimed and which it marked as being
    sent, as a worker does right before it talks to the mail server."""
    queued = mail.queue_password_reset(UserFactory(), to=to, base_url="http://testserver", language="fi")
    task = DBTaskResult.objects.get(args_kwargs__args=[queued.pk])
    task.claim(worker_id)
    queued.status = MailStatus.SENDING
    queued.attempts = 1
    queued.save()
    return queued, task


def test_a_dead_workers_mail_is_sent_once_by_another(settings, smtp_server):
    settings.WORKER_DEAD_SECONDS = 60
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        worker.beat("dead-worker", start)
        worker.beat("live-worker", start)
        dead_mail, dead_task = a_mail_being_sent_by("dead-worker", "kuollut@esimerkki.example")
        _live_mail, live_task = a_mail_being_sent_by("live-worker", "elava@esimerkki.example")

        # 59 seconds of silence: still alive, nothing is touched.
        clock.shift(dt.timedelta(seconds=59))
        worker.beat("live-worker", start)
        assert worker.recover_interrupted() == []

        # Past a minute: the dead worker's task is queued again and its mail with it; the
        # live worker's task and mail are left alone, and the dead worker's row goes.
        clock.shift(dt.timedelta(seconds=2))
        assert worker.recover_interrupted() == [dead_task.pk]
        dead_task.refresh_from_db()
        live_task.refresh_from_db()
        assert (dead_task.status, dead_task.started_at) == ("READY", None)
        assert live_task.status == "RUNNING"
        dead_mail.refresh_from_db()
        assert (dead_mail.status, dead_mail.attempts) == (MailStatus.QUEUED, 1)
        assert dead_mail.last_error == "Interrupted: the worker stopped while sending."
        assert list(WorkerBeat.objects.values_list("worker_id", flat=True)) == ["live-worker"]
        assert worker.recover_interrupted() == [], "handed back once"

    # The live worker runs it: sent, once, on the second attempt.
    run_the_worker()
    dead_mail.refresh_from_db()
    assert (dead_mail.status, dead_mail.attempts) == (MailStatus.SENT, 2)
    assert [message["To"] for message in smtp_server.messages] == ["kuollut@esimerkki.example"]


def test_a_mail_the_dead_worker_had_sent_is_not_sent_again(settings, smtp_server):
    settings.WORKER_DEAD_SECONDS = 60
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        worker.beat("dead-worker", start)
        sent, task = a_mail_being_sent_by("dead-worker", "lahti@esimerkki.example")
        sent.status = MailStatus.SENT  # it died after recording the mail, before the task
        sent.save()
        clock.shift(dt.timedelta(seconds=61))
        assert worker.recover_interrupted() == [task.pk]
    run_the_worker()
    sent.refresh_from_db()
    assert sent.status == MailStatus.SENT
    assert smtp_server.messages == []
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"


def test_a_task_of_a_worker_without_a_heartbeat_waits_until_it_is_old(settings):
    settings.WORKER_DEAD_SECONDS = 60
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        _mail, task = a_mail_being_sent_by("plain-db-worker", "vanha@esimerkki.example")
        assert worker.recover_interrupted() == [], "it may be running right now"
        clock.shift(dt.timedelta(seconds=61))
        assert worker.recover_interrupted() == [task.pk]


def test_a_task_claimed_again_meanwhile_is_not_handed_back(settings):
    """Two workers recovering at once: the second finds the task claimed by a live worker
    after the first handed it back, and leaves it."""
    settings.WORKER_DEAD_SECONDS = 60
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        worker.beat("dead-worker", start)
        _mail, task = a_mail_being_sent_by("dead-worker", "kilpa@esimerkki.example")
        clock.shift(dt.timedelta(seconds=61))
        worker.beat("live-worker", start)
        assert worker.recover_interrupted() == [task.pk]
        DBTaskResult.objects.get(pk=task.pk).claim("live-worker")
        assert worker.recover_interrupted() == []
        assert DBTaskResult.objects.get(pk=task.pk).status == "RUNNING"


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_thread_beats_until_stopped_and_then_forgets(settings):
    settings.WORKER_BEAT_SECONDS = 0.05
    heartbeat = worker.Heartbeat("thread-worker")
    heartbeat.beat_once()
    first = WorkerBeat.objects.get(worker_id="thread-worker").last_seen
    heartbeat.start()
    deadline = time.monotonic() + 10
    while WorkerBeat.objects.get(worker_id="thread-worker").last_seen == first:
        assert time.monotonic() < deadline, "the thread did not beat"
        time.sleep(0.02)
    heartbeat.stop()
    assert not heartbeat.is_alive()
    assert not WorkerBeat.objects.filter(worker_id="thread-worker").exists()
