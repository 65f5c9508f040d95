from sqlalchemy import BigInteger, Column, DateTime, Text
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Account(Base):
    __tablename__ = "accounts"

    id = Column(BigInteger, primary_key=True)
    email = Column(Text, nullable=False)
    display_name = Column(Text)
    plan = Column(Text, nullable=False, default="free")
    created_at = Column(DateTime(timezone=True), nullable=False)
