"""The one test harness every suite shares (e2e, faults, security, playground, bench):

- `connector.py`: the fake Bot Connector, with its knobs (injected failures, Teams' windows
  with 429 + Retry-After, a gate, an outage, timing stamps) and `peak()`;
- `teams.py`: the driver, Teams posting activities to /api/messages and reading the answers
  and what the bot sent;
- `in_process.py`: the app in this process (aiohttp's test client);
- `processes.py`: the app as `python app.py` (and other servers) in their own processes.
"""
