"""Python SDK: guard your own agent's tool functions with watchkeeper.

```python
from watchkeeper.integrations.sdk import GatewayClient, guarded

client = GatewayClient("http://127.0.0.1:8470", token)

@guarded(client, session_id="run-42")
def send_email(to: str, body: str) -> str: ...
```
"""

from watchkeeper.integrations.sdk._client import GatewayClient, GatewayError
from watchkeeper.integrations.sdk._guard import Decider, ToolCallBlockedError, guarded

__all__ = ["Decider", "GatewayClient", "GatewayError", "ToolCallBlockedError", "guarded"]
