from sqlalchemy import select

from app.models import Account


def account_email(session, account_id):
    return session.execute(select(Account.email).where(Account.id == account_id)).scalar_one()
