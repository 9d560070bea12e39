from datetime import datetime
from typing import Optional

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, Text
from sqlmodel import Field

from chatbot.models.base import TableModel, identity_key, timestamp

ROLES = ("user", "assistant", "system", "tool")


class Message(TableModel, table=True):
    __tablename__ = "messages"
    __table_args__ = (
        # A conversation's messages are read in order: one index serves both
        # the lookup and the sort.
        Index("ix_messages_conversation_id_created_at", "conversation_id", "created_at"),
        CheckConstraint("role IN ('user', 'assistant', 'system', 'tool')", name="role"),
    )

    id: Optional[int] = identity_key()
    conversation_id: int = Field(
        sa_column=Column(Integer, ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False)
    )
    user_id: str
    role: str
    content: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = timestamp()
