"""The chatbot's HTTP API: `uvicorn chatbot.main:app`, run from demo/.

POST /chat stores the user's message and the bot's reply in one transaction;
GET /conversations/{id} lists a conversation's messages; GET /health says
whether the database answers.
"""
from contextlib import asynccontextmanager
from datetime import datetime
from typing import List, Optional

from fastapi import Depends, FastAPI, HTTPException
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field
from sqlalchemy import func, text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, select

from chatbot.database import engine
from chatbot.models import Conversation, Message

TITLE_MAX = 60



@asynccontextmanager
async def lifespan(_app: FastAPI):
    yield
    # Connections closed at shutdown, not left for the server to time out.
    engine.dispose()


app = FastAPI(title="dbinit demo chatbot", lifespan=lifespan)


class ChatRequest(BaseModel):
    user_id: str = Field(min_length=1)
    message: str = Field(min_length=1)
    conversation_id: Optional[int] = None


class ChatResponse(BaseModel):
    conversation_id: int
    reply: str
    message_count: int


class MessageOut(BaseModel):
    id: int
    user_id: str
    role: str
    content: str
    created_at: datetime


def session():
    with Session(engine) as s:
        yield s


@app.exception_handler(SQLAlchemyError)
async def database_unavailable(_request, error: SQLAlchemyError):
    # The first line only: the rest repeats the statement and its parameters.
    first_line = str(getattr(error, "orig", error) or error).strip().splitlines()[0:1]
    return PlainTextResponse(f"database: {' '.join(first_line)}\n", status_code=503)


@app.get("/health", response_class=PlainTextResponse)
def health(s: Session = Depends(session)) -> str:
    s.exec(text("SELECT 1"))
    return "ok\n"


@app.post("/chat", response_model=ChatResponse)
def chat(request: ChatRequest, s: Session = Depends(session)) -> ChatResponse:
    if request.conversation_id is None:
        title = request.message if len(request.message) <= TITLE_MAX else request.message[: TITLE_MAX - 1] + "\u2026"
        conversation = Conversation(user_id=request.user_id, title=title)
        s.add(conversation)
        s.flush()
    else:
        conversation = s.get(Conversation, request.conversation_id)
        if conversation is None or conversation.user_id != request.user_id:
            raise HTTPException(status_code=404, detail="no such conversation for this user")
        conversation.updated_at = func.now()
    s.add(Message(conversation_id=conversation.id, user_id=request.user_id, role="user", content=request.message))
    s.flush()
    count = s.exec(
        select(func.count()).select_from(Message).where(Message.conversation_id == conversation.id, Message.role == "user")
    ).one()
    reply = f"You said: {request.message} (message {count} in this conversation)"
    s.add(Message(conversation_id=conversation.id, user_id=request.user_id, role="assistant", content=reply))
    conversation_id = conversation.id
    s.commit()
    return ChatResponse(conversation_id=conversation_id, reply=reply, message_count=count)


@app.get("/conversations/{conversation_id}", response_model=List[MessageOut])
def conversation_messages(conversation_id: int, s: Session = Depends(session)) -> List[MessageOut]:
    if s.get(Conversation, conversation_id) is None:
        raise HTTPException(status_code=404, detail="no such conversation")
    rows = s.exec(select(Message).where(Message.conversation_id == conversation_id).order_by(Message.id)).all()
    return [MessageOut(id=m.id, user_id=m.user_id, role=m.role, content=m.content, created_at=m.created_at) for m in rows]
