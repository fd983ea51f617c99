"""Finance handles money in the admin: payments, refunds, the catalogue of offers, payouts and
employer partners.  Support may look at payments and subscriptions to answer tickets."""

from django.db import migrations

from accounts import roles


def _crud(model: str, ops=("add", "change", "view")) -> list[str]:
    return [f"billing.{op}_{model}" for op in ops]


FINANCE_PERMISSIONS = [
    "billing.view_payment",
    "billing.view_all_payments",
    "billing.view_refundrequest",
    "billing.change_refundrequest",
    "billing.decide_refundrequest",
    "billing.view_refundevent",
    "billing.view_subscription",
    "billing.view_webhookevent",
    "billing.view_couponredemption",
    "billing.view_referral",
    "billing.view_creditaccount",
    "billing.view_creditentry",
    "billing.view_campaignenrollment",
    "billing.view_earningentry",
    "billing.view_all_earnings",
    "billing.manage_payout",
    *_crud("payout"),
    *_crud("plan"),
    *_crud("coursebundle"),
    *_crud("coupon"),
    *_crud("marketingcampaign"),
    *_crud("contentlicensing"),
    *_crud("employerpartner"),
    *_crud("employerrequest"),
    *_crud("seatassignment"),
]
SUPPORT_PERMISSIONS = [
    "billing.view_payment",
    "billing.view_all_payments",
    "billing.view_subscription",
    "billing.view_refundrequest",
]

GRANTS = {roles.FINANCE: FINANCE_PERMISSIONS, roles.SUPPORT: SUPPORT_PERMISSIONS}


def grant(apps, schema_editor):
    for group, perms in GRANTS.items():
        roles.grant_permissions(apps, group, perms)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        for perm in perms:
            app_label, codename = perm.split(".", 1)
            group.permissions.remove(*Permission.objects.filter(content_type__app_label=app_label, codename=codename))


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0001_initial"),
        ("accounts", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
