"""What the conformance client scripts share: checks that print as they
pass, waiting with a deadline, and the exit status the Go test reads."""

import sys
import time
import traceback
import urllib.parse

DEADLINE = 10.0  # seconds for anything that should happen at once


def check(cond, what):
    """Prints "ok: what", or raises if cond does not hold."""
    if not cond:
        raise AssertionError(what)
    print("ok:", what)


def until(done, step, what):
    """Calls step() (which waits for events a little) until done() holds
    or the deadline passes."""
    end = time.monotonic() + DEADLINE
    while not done():
        if time.monotonic() > end:
            raise AssertionError("timed out: " + what)
        step()


def wrong_password(url):
    """The URL with its password replaced."""
    u = urllib.parse.urlparse(url)
    netloc = "%s:wrong@%s:%d" % (u.username, u.hostname, u.port or 5672)
    return urllib.parse.urlunparse(u._replace(netloc=netloc))


def vhost(url):
    """The vhost the URL names."""
    return urllib.parse.unquote(urllib.parse.urlparse(url).path[1:]) or "/"


def run(main, usage):
    """Runs main(url) with the URL from argv; exit status 0 only if it
    returned, with PASS or FAIL as the last line."""
    if len(sys.argv) != 2:
        sys.exit(usage)
    try:
        main(sys.argv[1])
    except Exception:
        traceback.print_exc()
        print("FAIL")
        sys.exit(1)
    print("PASS")
