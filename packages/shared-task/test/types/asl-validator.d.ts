// asl-validator 4 ships JavaScript only; this is the part of its API the tests use (here and in
// infra, whose tsconfig includes this file).
declare module "asl-validator" {
  interface ValidationResult {
    isValid: boolean;
    errors: Array<{ message: string }>;
    errorsText(separator?: string): string;
  }
  interface ValidationOptions {
    checkPaths?: boolean;
    checkArn?: boolean;
  }
  export default function aslValidator(
    definition: unknown,
    options?: ValidationOptions,
  ): ValidationResult;
}
