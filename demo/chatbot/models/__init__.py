"""All of the chatbot's table models: importing this fills SQLModel.metadata."""
from chatbot.models.conversation import Conversation
from chatbot.models.message import ROLES, Message

__all__ = ["Conversation", "Message", "ROLES"]
