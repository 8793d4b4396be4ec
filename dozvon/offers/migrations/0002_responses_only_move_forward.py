"""NBO-2 in the database: a saved offer response changes only from NO or THINK to YES.

Both databases refuse any other UPDATE of `response`, and moving a response to another
interaction or campaign. PostgreSQL also refuses DELETE (test flushes there use TRUNCATE,
which row triggers do not see); SQLite flushes with DELETE, so there the model alone
refuses deletes, as with the X-6 timeline. A later migration that rebuilds the table on
SQLite must create the trigger again.
"""

from django.db import migrations

TABLE = "offers_offerresponse"
TRIGGER = "offers_offerresponse_nbo2"

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION offers_response_forward_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION USING ERRCODE = 'check_violation',
      MESSAGE = 'NBO-2: an offer response is never deleted';
  END IF;
  IF NEW.interaction_id <> OLD.interaction_id OR NEW.campaign_id <> OLD.campaign_id THEN
    RAISE EXCEPTION USING ERRCODE = 'check_violation',
      MESSAGE = 'NBO-2: an offer response stays with its interaction and campaign';
  END IF;
  IF NEW.response <> OLD.response
     AND NOT (OLD.response IN ('no', 'think') AND NEW.response = 'yes') THEN
    RAISE EXCEPTION USING ERRCODE = 'check_violation',
      MESSAGE = 'NBO-2: a response changes only from no or think to yes';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql
"""
PG_TRIGGER = f"""
CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON {TABLE}
  FOR EACH ROW EXECUTE FUNCTION offers_response_forward_only()
"""

SQLITE_TRIGGER = f"""
CREATE TRIGGER IF NOT EXISTS {TRIGGER} BEFORE UPDATE ON {TABLE}
WHEN NEW.interaction_id <> OLD.interaction_id
  OR NEW.campaign_id <> OLD.campaign_id
  OR (NEW.response <> OLD.response
      AND NOT (OLD.response IN ('no', 'think') AND NEW.response = 'yes'))
BEGIN
  SELECT RAISE(ABORT, 'NBO-2: a response changes only from no or think to yes');
END
"""


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION)
        schema_editor.execute(PG_TRIGGER)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_TRIGGER)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {TABLE}")
        schema_editor.execute("DROP FUNCTION IF EXISTS offers_response_forward_only()")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")


class Migration(migrations.Migration):
    dependencies = [("offers", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
