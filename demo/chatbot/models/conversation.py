from datetime import datetime
from typing import Optional

from sqlmodel import Field

from chatbot.models.base import TableModel, identity_key, timestamp


class Conversation(TableModel, table=True):
    __tablename__ = "conversations"

    id: Optional[int] = identity_key()
    user_id: str = Field(index=True)
    title: Optional[str] = None
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp()
