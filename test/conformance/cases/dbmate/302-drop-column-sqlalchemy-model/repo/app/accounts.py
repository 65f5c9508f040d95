from sqlalchemy import select

from app.models import Account


def account_label(session, account_id):
    account = session.execute(select(Account).where(Account.id == account_id)).scalar_one()
    return account.display_name or account.email
