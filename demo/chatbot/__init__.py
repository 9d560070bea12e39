"""The demo chatbot: FastAPI + SQLModel, its schema made by dbinit's migrations."""
