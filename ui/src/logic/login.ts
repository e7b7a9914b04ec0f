// Login form checks done before asking the core (the core checks again).

export interface LoginForm {
  staffId: string;
  password: string;
}

/** Returns a Chinese message for the first problem, or null when the form can be sent. */
export function loginFormProblem(form: LoginForm): string | null {
  if (form.staffId.trim() === "") return "请输入工号";
  if (form.password === "") return "请输入密码";
  return null;
}
