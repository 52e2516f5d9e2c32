import { expect, test } from "@playwright/test";

const TPC = "http://127.0.0.1:8765";

test.beforeEach(async ({ request }) => {
  await request.post(`${TPC}/__mock/reset`, { data: {} }); // back to the seed
});

test("a page on another origin signs in and lists pages with the session cookie", async ({
  page,
  request,
}) => {
  const fixtures = (await (await request.get(`${TPC}/__mock/fixtures`)).json()).data;
  const owner = fixtures.users.find((user: { id: string }) => user.id === "user_owner");

  await page.goto("http://127.0.0.1:5173/");
  const titles = await page.evaluate(
    async ({ tpc, email, password }) => {
      const signIn = await fetch(`${tpc}/api/auth/sign-in/email`, {
        method: "POST",
        credentials: "include",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, password }),
      });
      if (!signIn.ok) throw new Error(`sign-in answered ${signIn.status}`);
      const listed = await fetch(`${tpc}/api/v1/site/pages?productId=product_123`, {
        credentials: "include",
      }).then((response) => response.json());
      for (const item of listed.data.items) {
        const li = document.createElement("li");
        li.textContent = item.title;
        document.getElementById("pages")!.append(li);
      }
      return listed.data.items.map((item: { title: string }) => item.title);
    },
    { tpc: TPC, email: owner.email, password: owner.password },
  );

  expect(titles).toContain("Pricing");
  await expect(page.locator("#pages li").getByText("Pricing", { exact: true })).toBeVisible();
});

test("without signing in, the same request is refused", async ({ page }) => {
  await page.goto("http://127.0.0.1:5173/");
  const body = await page.evaluate(async (tpc) => {
    const response = await fetch(`${tpc}/api/v1/site/pages?productId=product_123`, {
      credentials: "include",
    });
    return { status: response.status, ...(await response.json()) };
  }, TPC);
  expect(body).toMatchObject({ status: 401, ok: false, code: "UNAUTHORIZED" });
});
