"""Demo data: compute the recommendations once (after the learning and community demos enrolled the
learners), so the demo students see "Recommended for you" with reasons.  Idempotent: a run replaces each
user's rows."""

from learning import services


def seed(ctx: dict, log) -> None:
    run = services.recommendations_compute(trigger="demo")
    hit = "-" if run.hit_rate_at_10 is None else f"{float(run.hit_rate_at_10):.0%}"
    log(
        f"  recommendations: {run.recommendations_created} for {run.users_covered} users, "
        f"catalog coverage {float(run.catalog_coverage or 0):.0%}, hit-rate@10 {hit}"
    )
