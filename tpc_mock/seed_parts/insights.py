"""Seed tables for the insights feature: brands, prompts, share of voice, simulations, views.

Everything here draws from its own random stream (`faker_seed + 2`), so the core seed
and the other feature parts never change when this one does.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone
from typing import Any

from faker import Faker

from ..clock import iso
from ..seeding import make_id

Tables = dict[str, dict[str, dict[str, Any]]]
SEED_EPOCH = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
SOV_DAYS = 30
ENGINES = (("chatgpt", "ChatGPT", "OpenAI"), ("perplexity", "Perplexity", "Perplexity AI"),
           ("gemini", "Gemini", "Google"), ("claude", "Claude", "Anthropic"))
EXAMPLE_TOPICS = ("Pricing", "Integrations", "Alternatives")
EXAMPLE_PROMPTS = (
    ("Pricing", "Which documentation platforms have transparent pricing for small teams?"),
    ("Pricing", "What is the cheapest way to publish AI-readable product docs?"),
    ("Integrations", "Which content tools integrate with GitHub and Slack?"),
    ("Alternatives", "What are good alternatives to building docs in-house?"),
)
RUN_STATUSES = ("completed", "completed", "completed", "failed", "running", "queued", "cancelled")
TASK_CATEGORIES = ("navigation", "checkout", "search", "signup", "support")
MODELS = ("gpt-4o", "claude-sonnet-4", "gemini-2.5-pro")


class _Part:
    """Random streams and id helpers of this seed part."""

    def __init__(self, tables: Tables, faker_seed: int) -> None:
        self.t = tables
        self.rng = random.Random(faker_seed + 2)
        self.fake = Faker("en_US")
        self.fake.seed_instance(faker_seed + 2)
        self.counters: dict[str, int] = {}

    def id(self, prefix: str, example: bool = False) -> str:
        """`prefix_123` for the first record of the example world, else a random id."""
        if example and f"{prefix}_123" not in self.t.get(self._table_of(prefix), {}):
            return f"{prefix}_123"
        return make_id(self.rng, prefix)

    def seq(self, prefix: str) -> str:
        """Short sequential ids for bulky tables."""
        self.counters[prefix] = self.counters.get(prefix, 0) + 1
        return f"{prefix}_{self.counters[prefix]:05d}"

    def stamp(self, days_back: int, min_days: int = 0) -> str:
        moment = SEED_EPOCH - timedelta(days=self.rng.randint(min_days, days_back),
                                        seconds=self.rng.randint(0, 86399))
        return iso(moment) or ""

    def add(self, table: str, doc: dict[str, Any]) -> dict[str, Any]:
        self.t.setdefault(table, {})[doc["id"]] = doc
        return doc

    @staticmethod
    def _table_of(prefix: str) -> str:
        return {"brand": "brands", "topic": "topics", "prompt": "prompts", "persona": "userPersonas",
                "cq": "conversationQueries", "view": "views", "env": "simulationEnvironments",
                "task": "simulationTasks", "run": "simulationRuns"}.get(prefix, prefix)


def seed(tables: Tables, faker_seed: int) -> None:
    """Add this feature's tables to the seed (deterministic for `faker_seed`)."""
    part = _Part(tables, faker_seed)
    for name in ("engines", "brands", "topics", "prompts", "sovSeries", "userPersonas",
                 "conversationQueries", "views", "simulationEnvironments", "simulationTasks",
                 "simulationRuns"):
        tables[name] = {}
    for engine_id, name, provider in ENGINES:
        part.add("engines", {"id": engine_id, "name": name, "provider": provider})
    for product in list(tables["products"].values()):
        example = product["id"] == "product_123"
        brand = _brand(part, product)
        prompts = _prompts(part, brand, example)
        _sov(part, brand, prompts, example)
        queries = _conversations(part, brand, prompts, example)
        _views(part, brand, queries, example)
    for org in list(tables["organizations"].values()):
        _simulations(part, org, org["id"] == "org_123")


def _brand(part: _Part, product: dict[str, Any]) -> dict[str, Any]:
    suffix = product["id"].split("_", 1)[1]
    competitors = [{"id": part.id("competitor"), "name": part.fake.unique.company()}
                   for _ in range(part.rng.randint(2, 3))]
    return part.add("brands", {
        "id": f"brand_{suffix}", "productId": product["id"],
        "organizationId": product["organizationId"], "name": product["name"],
        "slug": product.get("slug"), "competitors": competitors,
        "createdAt": product["createdAt"], "updatedAt": product["createdAt"],
    })


def _prompts(part: _Part, brand: dict[str, Any], example: bool) -> list[dict[str, Any]]:
    if example:
        names, texts = list(EXAMPLE_TOPICS), list(EXAMPLE_PROMPTS)
    else:
        names = [part.fake.unique.word().capitalize() for _ in range(2)]
        texts = [(names[i % 2], f"What is the best way to {part.fake.bs()}?") for i in range(2)]
    topics = {}
    for name in names:
        topics[name] = part.add("topics", {
            "id": part.id("topic", example), "brandId": brand["id"],
            "organizationId": brand["organizationId"], "name": name,
            "createdAt": part.stamp(120, 60)})
    prompts = []
    for topic_name, message in texts:
        created = part.stamp(90, 40)
        prompts.append(part.add("prompts", {
            "id": part.id("prompt", example), "brandId": brand["id"],
            "organizationId": brand["organizationId"], "topicId": topics[topic_name]["id"],
            "message": message, "createdAt": created, "updatedAt": created, "deletedAt": None}))
    return prompts


def _sov(part: _Part, brand: dict[str, Any], prompts: list[dict[str, Any]], example: bool) -> None:
    """Per prompt and engine, a daily series of runs and of each brand's mentions in them."""
    subjects = [brand["productId"]] + [c["id"] for c in brand["competitors"]]
    first: date = SEED_EPOCH.date() - timedelta(days=SOV_DAYS)
    for prompt in prompts:
        for engine_id, _, _ in ENGINES:
            odds = [part.rng.uniform(0.15, 0.8) for _ in subjects]
            drift = part.rng.uniform(-0.006, 0.01)
            runs = [part.rng.randint(2, 6 if example else 4) for _ in range(SOV_DAYS)]
            mentions = {
                subject: [sum(part.rng.random() < min(0.95, max(0.02, p + drift * day))
                              for _ in range(count)) for day, count in enumerate(runs)]
                for subject, p in zip(subjects, odds)}
            part.add("sovSeries", {
                "id": part.seq("sov"), "brandId": brand["id"], "promptId": prompt["id"],
                "engine": engine_id, "firstDate": first.isoformat(), "runs": runs,
                "mentions": mentions})


def _conversations(
    part: _Part, brand: dict[str, Any], prompts: list[dict[str, Any]], example: bool
) -> list[dict[str, Any]]:
    personas = []
    for _ in range(3 if example else 2):
        personas.append(part.add("userPersonas", {
            "id": part.id("persona", example), "brandId": brand["id"],
            "organizationId": brand["organizationId"], "name": part.fake.unique.job(),
            "description": part.fake.sentence(nb_words=10), "createdAt": part.stamp(90, 40)}))
    queries = []
    for prompt in prompts:
        for persona in personas:
            created = part.stamp(40, 1)
            queries.append(part.add("conversationQueries", {
                "id": part.id("cq", example), "organizationId": brand["organizationId"],
                "brandId": brand["id"], "promptId": prompt["id"], "userPersonaId": persona["id"],
                "model": part.rng.choice(MODELS), "maxTurns": part.rng.randint(2, 8),
                "createdAt": created, "updatedAt": created, "deletedAt": None}))
    # One retired query per brand: kept for history, never listed.
    queries[-1]["deletedAt"] = queries[-1]["updatedAt"] = iso(SEED_EPOCH - timedelta(days=1))
    return queries


def _views(part: _Part, brand: dict[str, Any], queries: list[dict[str, Any]], example: bool) -> None:
    created = brand["createdAt"]
    part.add("views", {
        "id": part.id("view", example), "name": "All conversations",
        "description": f"Every conversation query of {brand['name']}", "brandId": brand["id"],
        "organizationId": brand["organizationId"], "isDefault": True, "conversationQueryIds": None,
        "createdAt": created, "updatedAt": created, "deletedAt": None})
    if example:
        chosen = [q["id"] for q in queries[:3]]
        stamp = part.stamp(20, 5)
        part.add("views", {
            "id": part.id("view"), "name": "Pricing questions",
            "description": "Conversations about plans and prices", "brandId": brand["id"],
            "organizationId": brand["organizationId"], "isDefault": False,
            "conversationQueryIds": chosen, "createdAt": stamp, "updatedAt": stamp,
            "deletedAt": None})


def _simulations(part: _Part, org: dict[str, Any], example: bool) -> None:
    for env_index in range(2 if example else 1):
        created = part.stamp(120, 60)
        env = part.add("simulationEnvironments", {
            "id": part.id("env", example), "organizationId": org["id"],
            "name": f"{part.fake.word().capitalize()} storefront",
            "agentConfig": {"model": part.rng.choice(MODELS), "maxSteps": part.rng.choice((20, 40))},
            "createdAt": created, "updatedAt": created})
        tasks = [part.add("simulationTasks", {
            "id": part.id("task", example), "organizationId": org["id"], "environmentId": env["id"],
            "name": part.fake.catch_phrase(), "category": part.rng.choice(TASK_CATEGORIES),
            "createdAt": created}) for _ in range(2)]
        experiment = part.id("exp")
        for index in range(12 if example else 4):
            _run(part, org, env, part.rng.choice(tasks), experiment, index // 4 + 1, example)


def _run(part: _Part, org: dict[str, Any], env: dict[str, Any], task: dict[str, Any],
         experiment: str, iteration: int, example: bool) -> None:
    status = "completed" if example and "run_123" not in part.t["simulationRuns"] else \
        part.rng.choice(RUN_STATUSES)
    created_at = SEED_EPOCH - timedelta(days=part.rng.randint(0, 30), seconds=part.rng.randint(0, 86399))
    started = created_at + timedelta(seconds=part.rng.randint(1, 120))
    duration = part.rng.randint(30, 900)
    done = status in ("completed", "failed", "cancelled")
    run_id = part.id("run", example)
    score = round(part.rng.uniform(0.55, 1.0) if status == "completed" else part.rng.uniform(0, 0.5), 3)
    finished = done and status != "cancelled"
    part.add("simulationRuns", {
        "id": run_id, "environmentId": env["id"], "taskId": task["id"],
        "organizationId": org["id"], "status": status,
        "sandboxId": part.id("sbx") if status != "queued" else None,
        "sandboxSnapshot": part.id("snap") if finished else None,
        "volumeIds": [part.id("vol")] if status != "queued" else [],
        "logS3Keys": [f"runs/{run_id}/agent.log"] if status != "queued" else [],
        "overallScore": score if finished else None,
        "passed": (score >= 0.7) if finished else None,
        "tokensUsed": part.rng.randint(2000, 90000) if status != "queued" else None,
        "costUsd": round(part.rng.uniform(0.01, 2.5), 4) if status != "queued" else None,
        "metadata": {"experimentId": experiment, "iterationId": f"{experiment}-it{iteration}"},
        "startedAt": iso(started) if status != "queued" else None,
        "completedAt": iso(started + timedelta(seconds=duration)) if done else None,
        "duration": duration if done else None,
        "createdAt": iso(created_at), "updatedAt": iso(started + timedelta(seconds=duration if done else 0)),
        "deletedAt": None})
