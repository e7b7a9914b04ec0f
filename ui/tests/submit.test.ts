import { describe, expect, it } from "vitest";
import { useSubmit } from "../src/logic/submit";

describe("a form's submit (useSubmit)", () => {
  it("is busy while the action runs and ignores a second submit meanwhile", async () => {
    const { busy, run } = useSubmit();
    let finish!: () => void;
    let calls = 0;
    const action = () => {
      calls++;
      return new Promise<void>((r) => (finish = r));
    };
    const first = run(action);
    expect(busy.value).toBe(true);
    expect(await run(action)).toBe(false);
    expect(calls).toBe(1);
    finish();
    expect(await first).toBe(true);
    expect(busy.value).toBe(false);
  });

  it("shows the staff message of a rejection, runs `failed`, and clears the line on the next try", async () => {
    const { busy, error, run } = useSubmit();
    let failed = 0;
    const ok = await run(() => Promise.reject({ code: "AUTH_FAILED", message: "工号或密码错误", detail: "" }), () => failed++);
    expect(ok).toBe(false);
    expect(error.value).toBe("工号或密码错误");
    expect(failed).toBe(1);
    expect(busy.value).toBe(false);
    expect(await run(() => Promise.reject(new Error("boom")))).toBe(false);
    expect(error.value).toBe("操作失败，请重试；如反复出现请联系技术支持");
    expect(await run(async () => undefined)).toBe(true);
    expect(error.value).toBe("");
  });

  it("counts an action that resolves to false (declined) as not gone through, without an error", async () => {
    const { error, run } = useSubmit();
    let failed = 0;
    expect(await run(async () => false, () => failed++)).toBe(false);
    expect(error.value).toBe("");
    expect(failed).toBe(0);
  });
});
