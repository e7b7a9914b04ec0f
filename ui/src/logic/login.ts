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

export interface ChangePasswordForm {
  oldPassword: string;
  newPassword: string;
  repeat: string;
}

/** The change a reset forces: the same rules the core applies (≥ 8, not the old), plus the repeat. */
export function changePasswordProblem(form: ChangePasswordForm): string | null {
  if (form.oldPassword === "") return "请输入原密码";
  if ([...form.newPassword].length < 8) return "新密码至少 8 位";
  if (form.newPassword === form.oldPassword) return "新密码不能与原密码相同";
  if (form.repeat !== form.newPassword) return "两次输入的新密码不一致";
  return null;
}
