"""Open Badges 3.0 credentials of certificates: signed, tamper-evident, verifiable with rotated keys,
revocable through the Bitstring status list; who may download them; the verify API and page."""

import copy
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.urls import reverse

from learning import credentials_selectors as cs
from learning import services
from learning.credentials import builder, proofs
from learning.credentials.multibase import private_raw, public_key_from_multibase
from learning.models import CredentialSigningKey, CredentialStatusEntry, IssuedCertificate
from learning.services.credentials import signing_key_private
from tests.factories import StudentFactory


def _verify(credential):
    return cs.credential_verify(credential)


def test_a_certificate_credential_is_open_badges_3_and_verifies_with_the_issuers_key(certificate, signing_key):
    credential = services.certificate_credential(certificate=certificate)

    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"] == {
        "id": cs.issuer_id(),
        "type": ["Profile"],
        "name": "CourseWorx",
        "url": cs.issuer_summary()["url"],
    }
    assert credential["validFrom"].endswith("Z")
    subject = credential["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["identifier"][0] == {
        "type": "IdentityObject",
        "identityHash": "Stella Student",
        "identityType": "name",
        "hashed": False,
    }
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"] and achievement["name"] == "Python Basics"
    assert achievement["criteria"]["narrative"] and achievement["description"]
    assert achievement["image"]["type"] == "Image"
    assert credential["credentialStatus"]["type"] == "BitstringStatusListEntry"
    proof = credential["proof"]
    assert proof["type"] == "DataIntegrityProof" and proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof["verificationMethod"] == f"{cs.issuer_id()}#key-{signing_key.key_id}"
    assert cs.credential_structure_problems(credential) == []

    result = _verify(credential)
    assert result.verified, result.errors
    assert result.key_id == signing_key.key_id
    # ...and with nothing but the public key the issuer profile publishes (what an offline verifier has).
    published = {m["id"]: m["publicKeyMultibase"] for m in cs.issuer_profile_document()["verificationMethod"]}
    proofs.verify(credential, resolve_key=lambda method: public_key_from_multibase(published[method]))


def test_changing_one_byte_of_the_credential_or_its_proof_breaks_it(certificate, signing_key):
    credential = services.certificate_credential(certificate=certificate)

    renamed = copy.deepcopy(credential)
    renamed["credentialSubject"]["identifier"][0]["identityHash"] = "Stella Studenu"
    result = _verify(renamed)
    assert not result.verified and any("does not match" in e for e in result.errors)

    retitled = copy.deepcopy(credential)
    retitled["credentialSubject"]["achievement"]["name"] = "Python Basicz"
    assert not _verify(retitled).verified

    tampered_proof = copy.deepcopy(credential)
    value = tampered_proof["proof"]["proofValue"]
    tampered_proof["proof"]["proofValue"] = value[:20] + ("2" if value[20] != "2" else "3") + value[21:]
    assert not _verify(tampered_proof).verified

    extra = copy.deepcopy(credential)
    extra["credentialSubject"]["grade"] = "A+"  # no context defines it: it would be unsigned
    assert not _verify(extra).verified


def test_credentials_signed_by_a_rotated_key_still_verify(certificate, signing_key):
    old = services.certificate_credential(certificate=certificate)
    call_command("credentials_keygen", "--rotate", stdout=open("/dev/null", "w"))  # noqa: SIM115
    signing_key.refresh_from_db()
    assert not signing_key.is_active and signing_key.retired_at
    new_key = CredentialSigningKey.objects.get(is_active=True)

    assert _verify(old).verified and _verify(old).key_id == signing_key.key_id
    new = services.certificate_credential(certificate=certificate)
    assert new["proof"]["verificationMethod"].endswith(f"#key-{new_key.key_id}")
    assert _verify(new).verified
    published = [m["id"] for m in cs.issuer_profile_document()["verificationMethod"]]
    assert published == [cs.key_url(new_key), cs.key_url(signing_key)]


def test_a_credential_signed_by_a_key_we_never_had_fails(certificate, signing_key):
    credential = services.certificate_credential(certificate=certificate)
    forged = copy.deepcopy(credential)
    forged["proof"]["verificationMethod"] = cs.issuer_id() + "#key-unknown"
    result = _verify(forged)
    assert not result.verified and any("Unknown verification method" in e for e in result.errors)


def test_a_revoked_certificate_shows_as_revoked_in_the_status_list_the_verifier_and_the_page(
    certificate, signing_key, admin_user, client
):
    credential = services.certificate_credential(certificate=certificate)
    entry = CredentialStatusEntry.objects.get(object_id=certificate.pk)
    assert credential["credentialStatus"]["statusListIndex"] == str(entry.index)
    list_url = reverse("learning:credential_status_list", kwargs={"status_list": entry.status_list})

    def bit():
        status_list = client.get(list_url).json()
        assert status_list["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
        assert cs.credential_structure_problems(status_list)  # not a badge, but a signed VC:
        proofs.verify(status_list, resolve_key=cs.resolve_public_key)
        bits = builder.decode_bitstring(status_list["credentialSubject"]["encodedList"])
        assert len(bits) * 8 == builder.STATUS_LIST_BITS
        return builder.bit_is_set(bits, entry.index)

    assert bit() is False
    assert _verify(credential).verified

    services.certificate_revoke(certificate=certificate, actor=admin_user, reason="Plagiarism")

    assert bit() is True
    result = _verify(credential)
    assert not result.verified and result.revoked
    assert any("revoked" in e for e in result.errors)
    page = client.get(reverse("learning:certificate_verify", kwargs={"code": certificate.code}))
    assert "Revoked: the issuer has withdrawn this credential." in page.content.decode()
    # The place is stable: the same index after revocation.
    assert services.certificate_credential(certificate=certificate)["credentialStatus"]["statusListIndex"] == str(
        entry.index
    )


def test_the_structure_check_names_what_is_missing():
    assert cs.credential_structure_problems([]) == ["A credential is a JSON object."]
    problems = cs.credential_structure_problems(
        {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": "VerifiableCredential"}
    )
    text = " ".join(problems)
    for needed in ("Open Badges 3.0 context",):
        assert needed in text
    problems = cs.credential_structure_problems(
        {
            "@context": [
                "https://www.w3.org/ns/credentials/v2",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            ],
            "type": ["VerifiableCredential"],
        }
    )
    text = " ".join(problems)
    for needed in ("OpenBadgeCredential", "validFrom", "issuer", "credentialSubject", "proof"):
        assert needed in text, needed


def test_path_and_exam_certificates_have_credentials_too(student, signing_key):
    certificate = services.certificate_award(user=student, kind=IssuedCertificate.Kind.EXAM, title="Cloud exam")
    credential = services.certificate_credential(certificate=certificate)
    assert credential["credentialSubject"]["achievement"]["id"].startswith("urn:uuid:")
    assert "Pass the certification exam" in credential["credentialSubject"]["achievement"]["criteria"]["narrative"]
    assert _verify(credential).verified


def test_the_holder_downloads_the_credential_others_may_not(client, certificate, signing_key, student):
    url = reverse("learning:certificate_credential", kwargs={"certificate_id": certificate.pk})
    assert client.get(url).status_code == 302  # sign in first

    client.force_login(StudentFactory())
    assert client.get(url).status_code == 404
    api = reverse("api:learning-certificate-credential", kwargs={"certificate_id": certificate.pk})
    assert client.get(api).status_code == 404

    client.force_login(student)
    response = client.get(url)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert _verify(json.loads(response.content)).verified
    assert _verify(client.get(api).json()).verified

    by_code = client.get(reverse("learning:certificate_credential_by_code", kwargs={"code": certificate.code}))
    assert by_code.status_code == 200
    assert client.get(reverse("learning:certificate_credential_by_code", kwargs={"code": "nope"})).status_code == 404


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"not json at all", "not valid JSON"),
        (b"[1, 2, 3]", "JSON object"),
        (b'{"a": "\\u0000"}', "null character"),  # refused before it reaches the view
        (b"[" * 5000 + b"]" * 5000, "not valid JSON"),
    ],
)
def test_the_verify_api_refuses_garbage_with_400(api_client, db, body, message):
    response = api_client.post(reverse("api:learning-credential-verify"), body, content_type="application/json")
    assert response.status_code == 400
    assert message in json.dumps(response.json())


def test_the_verify_api_refuses_a_huge_body(api_client, db):
    body = json.dumps({"x": "a" * (cs.MAX_CREDENTIAL_BYTES + 1)})
    response = api_client.post(reverse("api:learning-credential-verify"), body, content_type="application/json")
    assert response.status_code == 400 and "64 KB" in json.dumps(response.json())


def test_the_verify_api_answers_checks(api_client, certificate, signing_key):
    credential = services.certificate_credential(certificate=certificate)
    url = reverse("api:learning-credential-verify")
    ok = api_client.post(url, credential, format="json").json()
    assert ok["verified"] is True and ok["errors"] == []
    assert {c["check"] for c in ok["checks"]} == {"structure", "issuer", "proof", "dates", "status"}
    credential["name"] = "Other"
    bad = api_client.post(url, credential, format="json")
    assert bad.status_code == 200 and bad.json()["verified"] is False
    weird = api_client.post(url, {"@context": {"@vocab": 5}, "proof": {}}, format="json")
    assert weird.status_code == 200 and weird.json()["verified"] is False
    odd = copy.deepcopy(credential)
    odd["proof"] = [1]
    odd["credentialStatus"]["statusListCredential"] = cs.status_list_url(10**30)
    assert api_client.post(url, odd, format="json").json()["verified"] is False


def test_a_status_list_beyond_the_column_is_a_404(client, db):
    assert client.get(reverse("learning:credential_status_list", kwargs={"status_list": 10**30})).status_code == 404
    assert client.get(reverse("learning:credential_status_list", kwargs={"status_list": 7})).status_code == 404
    assert client.get(reverse("learning:credential_status_list", kwargs={"status_list": 1})).status_code == 200


def test_the_verify_page_checks_a_pasted_credential(client, certificate, signing_key):
    credential = services.certificate_credential(certificate=certificate)
    url = reverse("learning:credential_verify")
    assert client.get(url).status_code == 200
    page = client.post(url, {"credential": json.dumps(credential)}).content.decode()
    assert "Verified: the signature is valid" in page
    garbage = client.post(url, {"credential": "{oops"})
    assert garbage.status_code == 400 and "This is not valid JSON" in garbage.content.decode()


def test_the_certificate_verify_page_shows_the_credential(client, certificate, signing_key):
    page = client.get(reverse("learning:certificate_verify", kwargs={"code": certificate.code})).content.decode()
    assert "Verifiable credential (Open Badges 3.0)" in page
    assert signing_key.key_id in page
    assert reverse("learning:certificate_credential_by_code", kwargs={"code": certificate.code}) in page


def test_public_issuer_profile_and_keys_never_show_a_private_key(client, signing_key):
    profile = client.get(reverse("learning:credential_issuer")).json()
    assert profile["id"] == cs.issuer_id() and profile["type"] == ["Profile"]
    assert profile["verificationMethod"][0]["type"] == "Multikey"
    keys = client.get(reverse("learning:credential_keys")).json()
    assert keys["keys"][0]["keyId"] == signing_key.key_id and keys["keys"][0]["active"] is True
    blob = json.dumps([profile, keys])
    assert "private" not in blob.lower() and "secret" not in blob.lower()


def test_keygen_command_creates_once_and_rotates(db):
    call_command("credentials_keygen", stdout=open("/dev/null", "w"))  # noqa: SIM115
    with pytest.raises(CommandError, match="rotate"):
        call_command("credentials_keygen", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("credentials_keygen", "--if-missing", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert CredentialSigningKey.objects.count() == 1
    call_command("credentials_keygen", "--rotate", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert CredentialSigningKey.objects.filter(is_active=True).count() == 1
    assert CredentialSigningKey.objects.count() == 2


def test_two_active_keys_are_impossible_and_first_use_makes_one(db):
    key = services.signing_key_active()  # no key yet: made on first use
    assert services.signing_key_active() == key
    with pytest.raises(IntegrityError), transaction.atomic():
        CredentialSigningKey.objects.create(key_id="other", public_key_multibase="z", private_key_encrypted=b"")


def test_the_private_key_is_encrypted_at_rest(signing_key, settings):
    stored = bytes(CredentialSigningKey.objects.get(pk=signing_key.pk).private_key_encrypted)
    private = signing_key_private(signing_key)
    assert private_raw(private) not in stored
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "another-secret-key-after-rotation-0123456789"
    assert private_raw(signing_key_private(signing_key)) == private_raw(private)  # via the fallback
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(ValueError, match="cannot be decrypted"):
        signing_key_private(signing_key)


def test_the_admin_shows_keys_and_status_entries_read_only_without_the_private_key(
    admin_client, certificate, signing_key
):
    services.certificate_credential(certificate=certificate)
    keys = admin_client.get(reverse("admin:learning_credentialsigningkey_changelist"))
    assert keys.status_code == 200 and signing_key.key_id in keys.content.decode()
    change = admin_client.get(reverse("admin:learning_credentialsigningkey_change", args=[signing_key.pk]))
    html = change.content.decode()
    assert change.status_code == 200 and signing_key.public_key_multibase in html
    assert "private" not in html.lower()
    assert admin_client.get(reverse("admin:learning_credentialsigningkey_add")).status_code == 403
    entries = admin_client.get(reverse("admin:learning_credentialstatusentry_changelist"))
    assert entries.status_code == 200 and str(certificate.pk) in entries.content.decode()
