import { IsString, Length } from 'class-validator';

export class SignInConsoleRequestDto {
  @IsString()
  @Length(1, 512)
  apiKey: string;
}
