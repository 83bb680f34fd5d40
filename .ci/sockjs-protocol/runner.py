"""Runs the (converted) SockJS protocol suite and judges the result.

Usage: runner.py SUITE_MODULE.py [TEST_NAME ...]

TEST_NAME is as unittest names it inside the suite, e.g. ``Websocket`` or
``Websocket.test_close``; with none, every test runs. Prints unittest's own
report and summary, then one line per test that did not pass. Exits 0 when
every test that failed or errored is listed in EXPECTED_FAILURES, 1
otherwise.
"""

import importlib.util
import os
import sys
import unittest

# EXPECTED_FAILURES are tests the suite still carries for protocols no
# client speaks any more; they are allowed to fail. Websocket.test_haproxy
# drives the hixie-76 handshake (2010), replaced by RFC 6455.
EXPECTED_FAILURES = frozenset(
    os.environ.get('SOCKJS_EXPECTED_FAILURES', 'Websocket.test_haproxy').split())


def short_name(test):
    """'Websocket.test_close' for the test id 'sockjs_protocol.Websocket.test_close'."""
    return test.id().split('.', 1)[-1]


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    path = os.path.abspath(argv[1])
    sys.path.insert(0, os.path.dirname(path))  # the suite imports utils from beside it
    spec = importlib.util.spec_from_file_location('sockjs_protocol', path)
    suite_module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(suite_module)

    loader = unittest.TestLoader()
    if len(argv) > 2:
        tests = loader.loadTestsFromNames(argv[2:], suite_module)
    else:
        tests = loader.loadTestsFromModule(suite_module)
    result = unittest.TextTestRunner(stream=sys.stdout, verbosity=2).run(tests)

    failed = sorted(set(short_name(t) for t, _ in result.failures + result.errors))
    unexpected = [name for name in failed if name not in EXPECTED_FAILURES]
    print()
    print('sockjs-protocol: %d run, %d passed, %d failed or errored (%d expected), %d skipped'
          % (result.testsRun,
             result.testsRun - len(failed) - len(result.skipped),
             len(failed), len(failed) - len(unexpected), len(result.skipped)))
    for name in failed:
        print('  %-45s %s' % (name, 'expected' if name in EXPECTED_FAILURES else 'UNEXPECTED'))
    return 1 if unexpected else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
